//! The `egress` recorder: LiveKit Egress writes each consenting participant's audio and
//! video to the bucket itself (participant egress, MP4 with H.264 Main + Opus: what Egress
//! can encode with Debian's GStreamer, which has no AAC encoder). Consent is followed per
//! participant: one egress per person who consented, started when they did. Egress reports
//! progress through LiveKit's webhooks (`egress_started` / `egress_ended`).

use std::time::Duration;

use livekit_api::services::egress::{
    encoding, EgressClient, EgressOutput, ParticipantEgressOptions,
};
use livekit_protocol as proto;
use viva_api::recording::state;

use super::config::S3Config;
use crate::config::LiveKitConfig;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{FileRow, Move, RecordingRow};

pub struct Egress {
    client: EgressClient,
}

impl Egress {
    pub fn new(livekit: &LiveKitConfig) -> Self {
        Self {
            client: EgressClient::with_api_key(
                &livekit.api_url,
                &livekit.api_key,
                livekit.api_secret.expose(),
            )
            .with_request_timeout(Duration::from_secs(10)),
        }
    }
}

/// The object key of a participant's egress file.
pub fn egress_key(rec: &RecordingRow, identity: &str) -> String {
    let stem = viva_api::recording::file_stem(identity);
    format!("recordings/{}/{}/{stem}.mp4", rec.room_id, rec.id)
}

/// The request a deployment's Egress gets for one participant.
pub fn participant_request(s3: &S3Config, key: &str) -> (EgressOutput, ParticipantEgressOptions) {
    let file = proto::EncodedFileOutput {
        file_type: proto::EncodedFileType::Mp4 as i32,
        filepath: key.to_owned(),
        disable_manifest: true,
        output: Some(proto::encoded_file_output::Output::S3(proto::S3Upload {
            access_key: s3.access_key.clone(),
            secret: s3.secret_key.expose().to_owned(),
            region: s3.region.clone(),
            endpoint: s3.endpoint.to_string(),
            bucket: s3.bucket.clone(),
            force_path_style: s3.path_style,
            ..Default::default()
        })),
    };
    let options = ParticipantEgressOptions {
        screenshare: false,
        encoding: encoding::EncodingOptions {
            audio_codec: proto::AudioCodec::Opus,
            video_codec: proto::VideoCodec::H264Main,
            ..encoding::H264_720P_30
        },
    };
    (EgressOutput::File(file), options)
}

/// `identity=egress id` pairs as kept in `recordings.egress_ids`.
fn parse_ids(ids: Option<&str>) -> Vec<(String, String)> {
    ids.unwrap_or_default()
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    ApiError::unavailable(format!(
        "LiveKit Egress did not take the recording (is an Egress service connected to LiveKit?): {e}"
    ))
}

/// Starts an egress for each consenting participant who has none yet.
pub async fn follow_consents(state: &AppState, rec: &RecordingRow) -> Result<(), ApiError> {
    let egress = state
        .recordings
        .egress
        .as_ref()
        .ok_or_else(|| unavailable("no LiveKit API configured"))?;
    let s3 = state
        .recordings
        .config
        .s3
        .as_ref()
        .ok_or_else(|| ApiError::conflict("Egress recording needs VIVA_S3_ENDPOINT"))?;
    let mut ids = parse_ids(rec.egress_ids.as_deref());
    let consents = state.store.consents(&rec.id).await?;
    let present = state.livekit.participants(&rec.room_name).await?;
    for c in consents.iter().filter(|c| c.consent) {
        let here = present.iter().any(|p| p.identity == c.identity);
        if !here || ids.iter().any(|(who, _)| *who == c.identity) {
            continue;
        }
        let (output, options) = participant_request(s3, &egress_key(rec, &c.identity));
        let info = egress
            .client
            .start_participant_egress(&rec.room_name, &c.identity, vec![output], options)
            .await
            .map_err(unavailable)?;
        ids.push((c.identity.clone(), info.egress_id));
    }
    let joined: Vec<String> = ids.iter().map(|(a, b)| format!("{a}={b}")).collect();
    state
        .store
        .move_recording(
            &rec.id,
            &[state::RECORDING],
            state::RECORDING,
            Move {
                egress_ids: Some(&joined.join(",")),
                ..Move::default()
            },
        )
        .await?;
    Ok(())
}

/// Stops every egress of the recording (their files arrive through `egress_ended`).
pub async fn stop_all(state: &AppState, rec: &RecordingRow) {
    let Some(egress) = &state.recordings.egress else {
        return;
    };
    for (_, id) in parse_ids(rec.egress_ids.as_deref()) {
        if let Err(e) = egress.client.stop_egress(&id).await {
            tracing::warn!(recording = %rec.id, egress = %id, error = %e, "cannot stop egress");
        }
    }
}

/// LiveKit's `egress_ended` webhook: the file is in the bucket (or the egress failed).
pub async fn ended(state: &AppState, info: &proto::EgressInfo) -> Result<(), ApiError> {
    for status in [state::RECORDING, state::UPLOADING] {
        for rec in state.store.recordings_in(status).await? {
            let ids = parse_ids(rec.egress_ids.as_deref());
            let Some((identity, _)) = ids.iter().find(|(_, id)| *id == info.egress_id) else {
                continue;
            };
            for f in &info.file_results {
                state
                    .store
                    .add_recording_file(&FileRow {
                        recording_id: rec.id.clone(),
                        file: f.filename.rsplit('/').next().unwrap_or_default().to_owned(),
                        identity: identity.clone(),
                        storage_key: egress_key(&rec, identity),
                        size: f.size,
                        duration_ms: f.duration / 1_000_000,
                        status: "stored".into(),
                    })
                    .await?;
            }
            if !info.error.is_empty() {
                tracing::warn!(recording = %rec.id, error = %info.error, "egress failed");
            }
            if rec.status == state::UPLOADING {
                state
                    .store
                    .move_recording(
                        &rec.id,
                        &[state::UPLOADING],
                        state::COMPLETE,
                        Move::default(),
                    )
                    .await?;
            }
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_participant_egress_writes_mp4_with_codecs_egress_can_encode_to_our_bucket() {
        let s3 = S3Config {
            endpoint: url::Url::parse("http://127.0.0.1:8333").unwrap(),
            bucket: "rec".into(),
            region: "us-east-1".into(),
            access_key: "k".into(),
            secret_key: crate::secret::Secret::new("s"),
            path_style: true,
        };
        let (output, options) = participant_request(&s3, "recordings/r/x/a.mp4");
        let EgressOutput::File(file) = output else {
            panic!("a file output")
        };
        assert_eq!(file.file_type, proto::EncodedFileType::Mp4 as i32);
        assert_eq!(file.filepath, "recordings/r/x/a.mp4");
        let Some(proto::encoded_file_output::Output::S3(up)) = file.output else {
            panic!("an S3 upload")
        };
        assert_eq!((up.bucket.as_str(), up.force_path_style), ("rec", true));
        assert_eq!(up.endpoint, "http://127.0.0.1:8333/");
        assert_eq!(options.encoding.audio_codec, proto::AudioCodec::Opus);
        assert_eq!(options.encoding.video_codec, proto::VideoCodec::H264Main);
        assert_eq!(parse_ids(Some("a=EG_1,b=EG_2")).len(), 2);
    }
}
