//! The platform's audio devices through WebRTC's audio device module: device lists,
//! selection, and a microphone source with echo cancellation, noise suppression and gain
//! control. Remote audio is played out by the same module once it exists.

use std::sync::Arc;

use crate::engine::engine;
use crate::error::MediaError;
use crate::handle::Handle;
use crate::proto::{self, ffi_request::Message as Req, ffi_response::Message as Res};
use crate::source::{AudioSource, AudioSourceKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioDevice {
    /// Position in the list; changes when devices come and go.
    pub index: u32,
    pub name: String,
    /// Stable identifier: select devices by this.
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MicrophoneOptions {
    pub echo_cancellation: bool,
    pub noise_suppression: bool,
    pub auto_gain_control: bool,
}

impl Default for MicrophoneOptions {
    fn default() -> Self {
        Self {
            echo_cancellation: true,
            noise_suppression: true,
            auto_gain_control: true,
        }
    }
}

#[derive(Debug)]
pub(crate) struct PlatformAudioShared {
    handle: Handle,
}

/// The audio device module. Sources made from it keep it alive.
#[derive(Debug, Clone)]
pub struct PlatformAudio {
    shared: Arc<PlatformAudioShared>,
}

impl PlatformAudio {
    /// Opens the platform audio devices; fails with `AudioDevice` when there is no audio
    /// server or sound card.
    pub fn new() -> Result<Self, MediaError> {
        let response =
            engine()?.request(Req::NewPlatformAudio(proto::NewPlatformAudioRequest {}))?;
        let Res::NewPlatformAudio(created) = response else {
            return Err(MediaError::Protocol("NewPlatformAudio"));
        };
        match created.message {
            Some(proto::new_platform_audio_response::Message::PlatformAudio(owned)) => {
                let shared = Arc::new(PlatformAudioShared {
                    handle: Handle::owned(&owned.handle),
                });
                Ok(Self { shared })
            }
            Some(proto::new_platform_audio_response::Message::Error(e)) => {
                Err(MediaError::AudioDevice(e))
            }
            None => Err(MediaError::Protocol("NewPlatformAudio")),
        }
    }

    fn devices(&self) -> Result<proto::GetAudioDevicesResponse, MediaError> {
        let response = engine()?.request(Req::GetAudioDevices(proto::GetAudioDevicesRequest {
            platform_audio_handle: self.shared.handle.id(),
        }))?;
        let Res::GetAudioDevices(devices) = response else {
            return Err(MediaError::Protocol("GetAudioDevices"));
        };
        match devices.error {
            Some(e) if !e.is_empty() => Err(MediaError::AudioDevice(e)),
            _ => Ok(devices),
        }
    }

    pub fn recording_devices(&self) -> Result<Vec<AudioDevice>, MediaError> {
        Ok(self
            .devices()?
            .recording_devices
            .into_iter()
            .map(device)
            .collect())
    }

    pub fn playout_devices(&self) -> Result<Vec<AudioDevice>, MediaError> {
        Ok(self
            .devices()?
            .playout_devices
            .into_iter()
            .map(device)
            .collect())
    }

    pub fn set_recording_device(&self, id: &str) -> Result<(), MediaError> {
        let response =
            engine()?.request(Req::SetRecordingDevice(proto::SetRecordingDeviceRequest {
                platform_audio_handle: self.shared.handle.id(),
                device_id: id.to_owned(),
            }))?;
        match response {
            Res::SetRecordingDevice(r) => device_result(r.error),
            _ => Err(MediaError::Protocol("SetRecordingDevice")),
        }
    }

    pub fn set_playout_device(&self, id: &str) -> Result<(), MediaError> {
        let response =
            engine()?.request(Req::SetPlayoutDevice(proto::SetPlayoutDeviceRequest {
                platform_audio_handle: self.shared.handle.id(),
                device_id: id.to_owned(),
            }))?;
        match response {
            Res::SetPlayoutDevice(r) => device_result(r.error),
            _ => Err(MediaError::Protocol("SetPlayoutDevice")),
        }
    }

    /// A source fed by the selected microphone, processed as `options` asks. Publish it
    /// with `LocalTrack::audio`.
    pub fn microphone(&self, options: MicrophoneOptions) -> Result<AudioSource, MediaError> {
        let response = engine()?.request(Req::NewAudioSource(proto::NewAudioSourceRequest {
            r#type: proto::AudioSourceType::AudioSourcePlatform as i32,
            options: Some(proto::AudioSourceOptions {
                echo_cancellation: options.echo_cancellation,
                noise_suppression: options.noise_suppression,
                auto_gain_control: options.auto_gain_control,
                prefer_hardware: Some(false),
            }),
            sample_rate: Some(48_000),
            num_channels: Some(1),
            queue_size_ms: None,
            platform_audio_handle: Some(self.shared.handle.id()),
        }))?;
        AudioSource::from_response(
            response,
            48_000,
            1,
            AudioSourceKind::Microphone,
            Some(self.shared.clone()),
        )
    }
}

fn device(d: proto::AudioDeviceInfo) -> AudioDevice {
    AudioDevice {
        index: d.index,
        id: d.guid.unwrap_or_default(),
        name: d.name,
    }
}

fn device_result(error: Option<String>) -> Result<(), MediaError> {
    match error {
        Some(e) if !e.is_empty() => Err(MediaError::AudioDevice(e)),
        _ => Ok(()),
    }
}
