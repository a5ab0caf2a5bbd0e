//! The typed IPC surface: every command and event the UI may use, exported to
//! ui/src/lib/ipc/bindings.ts. A test fails when the committed file differs from what this
//! builder generates.

use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands::{app, audio, auth, camera, candidate, feedback, interviews, room, video};
use crate::frames::{JoinLinkEvent, RoomUpdateEvent};

pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            app::desktop_notify,
            app::update_check,
            app::update_download,
            app::update_install,
            auth::auth_login,
            auth::auth_logout,
            auth::session_get,
            interviews::interviews_list,
            interviews::rooms_active,
            video::video_surface,
            video::video_layout,
            video::video_draws,
            room::room_join,
            room::room_leave,
            room::room_set_microphone,
            room::room_set_camera,
            room::room_share_screen,
            room::room_mute_participant,
            room::room_eject,
            room::room_end,
            room::room_info,
            room::room_dial_in,
            room::room_recording,
            room::room_recording_consent,
            room::interview_questions,
            room::preflight_check,
            room::interview_calendar_save,
            candidate::candidate_room_preview,
            candidate::candidate_join_code,
            candidate::candidate_join_password,
            candidate::join_link_take,
            audio::audio_devices,
            audio::audio_select,
            feedback::feedback_form,
            feedback::drafts_list,
            feedback::draft_save,
            feedback::draft_submit,
            feedback::draft_resolve,
            feedback::drafts_unsynced,
            audio::audio_meter_start,
            audio::audio_meter_stop,
            camera::camera_list,
            camera::camera_choose,
            camera::camera_preview_start,
            camera::camera_preview_stop,
            camera::screen_list,
        ])
        .events(collect_events![
            RoomUpdateEvent,
            JoinLinkEvent,
            audio::AudioLevelEvent,
            crate::updates::UpdateProgressEvent
        ])
}

/// The TypeScript the builder produces (debug builds export it; release builds do not).
#[cfg(any(debug_assertions, test))]
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default().header("// Generated from the Rust commands by tauri-specta. Do not edit: run `make bindings`.\n// @ts-nocheck")
}

/// `VIVA_EXPORT_BINDINGS=path` makes a debug build write the bindings and exit.
#[cfg(debug_assertions)]
pub fn export_if_requested(builder: &Builder<tauri::Wry>) {
    if let Ok(path) = std::env::var("VIVA_EXPORT_BINDINGS") {
        builder
            .export(typescript(), &path)
            .expect("export bindings");
        std::process::exit(0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_bindings_match_the_commands() {
        let dir = std::env::temp_dir().join(format!("viva-bindings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join("bindings.ts");
        super::builder()
            .export(super::typescript(), &fresh)
            .unwrap();
        let generated = std::fs::read_to_string(&fresh).unwrap();
        let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/ipc/bindings.ts");
        let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            generated == committed,
            "ui/src/lib/ipc/bindings.ts is out of date: run `make bindings` and commit it"
        );
    }
}
