//! The computer's microphones and speakers, and which ones the user picked before joining.
//!
//! The choice is a preference of this app process, applied each time a room publishes the
//! microphone (also on rejoin). The engine names devices by description and numbers them
//! by position ("index:N"), and positions move when devices come and go, so a choice is
//! remembered by name and resolved to the current id when it is applied.

use std::sync::Mutex;

use serde::Serialize;
use viva_media::PlatformAudio;

use crate::error::{CoreError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AudioDevice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AudioDevices {
    pub microphones: Vec<AudioDevice>,
    pub speakers: Vec<AudioDevice>,
    /// The chosen microphone's id; None means the system default.
    pub microphone: Option<String>,
    pub speaker: Option<String>,
}

/// Chosen device names (None: the system default).
#[derive(Debug, Clone, Default)]
struct Choice {
    microphone: Option<String>,
    speaker: Option<String>,
}

static CHOICE: Mutex<Choice> = Mutex::new(Choice {
    microphone: None,
    speaker: None,
});

fn choice() -> Choice {
    CHOICE.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn unavailable(e: viva_media::MediaError) -> CoreError {
    CoreError::new(
        ErrorCode::Unsupported,
        format!("No audio devices are available on this computer ({e})"),
    )
}

fn devices(list: Vec<viva_media::AudioDevice>) -> Vec<AudioDevice> {
    list.into_iter()
        .map(|d| AudioDevice {
            id: d.id,
            name: d.name,
        })
        .collect()
}

fn id_of(list: &[AudioDevice], name: &Option<String>) -> Option<String> {
    let name = name.as_ref()?;
    list.iter().find(|d| &d.name == name).map(|d| d.id.clone())
}

/// The devices now present and the current choice. Needs `init_media` first.
pub fn list() -> Result<AudioDevices, CoreError> {
    let audio = PlatformAudio::new().map_err(unavailable)?;
    let microphones = devices(audio.recording_devices().map_err(unavailable)?);
    let speakers = devices(audio.playout_devices().map_err(unavailable)?);
    let chosen = choice();
    Ok(AudioDevices {
        microphone: id_of(&microphones, &chosen.microphone),
        speaker: id_of(&speakers, &chosen.speaker),
        microphones,
        speakers,
    })
}

/// The name of the microphone with this id now (None: the default microphone).
pub fn microphone_name(id: Option<&str>) -> Result<Option<String>, CoreError> {
    let Some(id) = id.filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    list()?
        .microphones
        .into_iter()
        .find(|d| d.id == id)
        .map(|d| Some(d.name))
        .ok_or_else(|| {
            CoreError::new(
                ErrorCode::InvalidInput,
                "That microphone is no longer connected; choose another",
            )
        })
}

/// Picks the microphone and speaker by id (None: the system default). Unknown ids are
/// refused, so the user hears about an unplugged device now rather than in the room.
pub fn select(microphone: Option<&str>, speaker: Option<&str>) -> Result<(), CoreError> {
    let now = list()?;
    let name_of = |list: &[AudioDevice], id: Option<&str>, what: &str| match id {
        None | Some("") => Ok(None),
        Some(id) => list
            .iter()
            .find(|d| d.id == id)
            .map(|d| Some(d.name.clone()))
            .ok_or_else(|| {
                CoreError::new(
                    ErrorCode::InvalidInput,
                    format!("That {what} is no longer connected; choose another"),
                )
            }),
    };
    let chosen = Choice {
        microphone: name_of(&now.microphones, microphone, "microphone")?,
        speaker: name_of(&now.speakers, speaker, "speaker")?,
    };
    *CHOICE.lock().unwrap_or_else(|e| e.into_inner()) = chosen;
    Ok(())
}

/// Points `audio` at the chosen devices before its microphone source is made. A chosen
/// device that went away falls back to the default, with a warning for the user.
pub(crate) fn apply(audio: &PlatformAudio) -> Vec<String> {
    let chosen = choice();
    let mut warnings = Vec::new();
    if chosen.microphone.is_some() {
        let present = audio.recording_devices().map(devices).unwrap_or_default();
        match id_of(&present, &chosen.microphone) {
            Some(id) => {
                if let Err(e) = audio.set_recording_device(&id) {
                    warnings.push(format!("Cannot use the chosen microphone: {e}"));
                }
            }
            None => warnings.push(
                "The chosen microphone is not connected; using the default microphone".into(),
            ),
        }
    }
    if chosen.speaker.is_some() {
        let present = audio.playout_devices().map(devices).unwrap_or_default();
        match id_of(&present, &chosen.speaker) {
            Some(id) => {
                if let Err(e) = audio.set_playout_device(&id) {
                    warnings.push(format!("Cannot use the chosen speaker: {e}"));
                }
            }
            None => warnings
                .push("The chosen speaker is not connected; using the default speaker".into()),
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_resolve_by_name_to_the_current_id() {
        let list = vec![
            AudioDevice {
                id: "index:0".into(),
                name: "Built-in".into(),
            },
            AudioDevice {
                id: "index:1".into(),
                name: "Headset".into(),
            },
        ];
        assert_eq!(
            id_of(&list, &Some("Headset".into())).as_deref(),
            Some("index:1")
        );
        assert_eq!(id_of(&list, &Some("Gone".into())), None);
        assert_eq!(id_of(&list, &None), None);
    }
}
