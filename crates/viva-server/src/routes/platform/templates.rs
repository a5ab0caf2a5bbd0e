//! `/api/v1/room-templates/`: everyone signed in reads them; staff create, change and
//! delete them.

use axum::extract::State;
use axum::http::StatusCode;
use viva_api::platform::{RoomTemplate, TemplateInput};

use super::{publishers, require_staff};
use crate::domain::{ms_to_rfc3339, RoomType};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::routes::fields::{bounded, one_of, optional_text};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{RoomSettings, Template};

/// Limits a room or template may have; the one home of these bounds.
pub const MAX_PARTICIPANTS: std::ops::RangeInclusive<i64> = 1..=10_000;
/// Seconds.
pub const EMPTY_TIMEOUT: std::ops::RangeInclusive<i64> = 10..=86_400;
/// Seconds: one minute to a day.
pub const MAX_DURATION: std::ops::RangeInclusive<i64> = 60..=86_400;
pub const CODECS: &[(&str, &str)] = &[
    ("vp8", "vp8"),
    ("h264", "h264"),
    ("vp9", "vp9"),
    ("av1", "av1"),
];
const PUBLISHERS: &[(&str, bool)] = &[("all", false), ("hosts", true)];
pub const ROOM_TYPES: &[(&str, RoomType)] = &[
    ("individual", RoomType::Individual),
    ("group", RoomType::Group),
    ("webinar", RoomType::Webinar),
    ("broadcast", RoomType::Broadcast),
];

pub fn template_dto(t: &Template) -> RoomTemplate {
    let s = &t.settings;
    RoomTemplate {
        name: t.name.clone(),
        room_type: s.room_type.to_string(),
        description: t.description.clone(),
        is_default: t.is_default,
        max_participants: s.max_participants,
        empty_timeout: s.empty_timeout,
        max_duration: s.max_duration,
        video_codec: s.video_codec.clone(),
        simulcast: s.simulcast,
        publishers: publishers(s).into(),
        recording_enabled: s.recording_enabled,
        sip_enabled: s.sip_enabled,
        created_at: ms_to_rfc3339(t.created_at_ms),
        updated_at: ms_to_rfc3339(t.updated_at_ms),
    }
}

/// `base` with the input's settings applied; problems are collected for one 400.
fn settings_from(
    problems: &mut Vec<String>,
    base: &RoomSettings,
    input: &TemplateInput,
) -> RoomSettings {
    RoomSettings {
        room_type: base.room_type,
        max_participants: bounded(
            problems,
            "max_participants",
            input.max_participants,
            MAX_PARTICIPANTS,
            base.max_participants,
        ),
        empty_timeout: bounded(
            problems,
            "empty_timeout",
            input.empty_timeout,
            EMPTY_TIMEOUT,
            base.empty_timeout,
        ),
        max_duration: bounded(
            problems,
            "max_duration",
            input.max_duration,
            MAX_DURATION,
            base.max_duration,
        ),
        video_codec: one_of(
            problems,
            "video_codec",
            input.video_codec.as_deref(),
            CODECS,
            Some(base.video_codec.as_str()),
        )
        .unwrap_or(base.video_codec.as_str())
        .to_owned(),
        simulcast: input.simulcast.unwrap_or(base.simulcast),
        hosts_only_publish: one_of(
            problems,
            "publishers",
            input.publishers.as_deref(),
            PUBLISHERS,
            Some(base.hosts_only_publish),
        )
        .unwrap_or(base.hosts_only_publish),
        recording_enabled: input.recording_enabled.unwrap_or(base.recording_enabled),
        sip_enabled: input.sip_enabled.unwrap_or(base.sip_enabled),
    }
}

/// A template name: a short slug, because it appears in URLs and room records.
fn slug(problems: &mut Vec<String>, value: Option<&str>) -> Option<String> {
    let v = value.unwrap_or_default().trim();
    let ok = (1..=40).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Some(v.to_owned())
    } else {
        problems.push("name must be 1 to 40 characters of a-z, 0-9 and '-'".into());
        None
    }
}

pub async fn list(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Vec<RoomTemplate>>, ApiError> {
    let templates = state.store.templates().await?;
    Ok(Json(templates.iter().map(template_dto).collect()))
}

pub async fn get_one(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(name): Path<String>,
) -> Result<Json<RoomTemplate>, ApiError> {
    Ok(Json(template_dto(&find(&state, &name).await?)))
}

async fn find(state: &AppState, name: &str) -> Result<Template, ApiError> {
    state
        .store
        .template(name)
        .await?
        .ok_or_else(|| ApiError::not_found("Template not found"))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<TemplateInput>,
) -> Result<(StatusCode, Json<RoomTemplate>), ApiError> {
    require_staff(&user, "manage room templates")?;
    let mut problems = Vec::new();
    let name = slug(&mut problems, input.name.as_deref());
    let room_type = one_of(
        &mut problems,
        "room_type",
        input.room_type.as_deref(),
        ROOM_TYPES,
        None,
    );
    let description = optional_text(&mut problems, "description", input.description.clone(), 500);
    let (Some(name), Some(room_type)) = (name, room_type) else {
        return Err(ApiError::validation(problems));
    };
    let base = state.store.default_template(room_type).await?;
    let settings = settings_from(&mut problems, &base.settings, &input);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let created = state
        .store
        .create_template(&Template {
            name,
            description: description.unwrap_or_default(),
            is_default: input.is_default.unwrap_or(false),
            settings,
            created_at_ms: 0,
            updated_at_ms: 0,
        })
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Conflict(_) => {
                ApiError::conflict("A template with this name exists")
            }
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(template_dto(&created))))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Json(input): Json<TemplateInput>,
) -> Result<Json<RoomTemplate>, ApiError> {
    require_staff(&user, "manage room templates")?;
    let current = find(&state, &name).await?;
    let mut problems = Vec::new();
    if input.name.as_deref().is_some_and(|n| n.trim() != name) {
        problems.push("name cannot change; create a new template".into());
    }
    if input
        .room_type
        .as_deref()
        .is_some_and(|t| t.trim() != current.settings.room_type.as_str())
    {
        problems.push("room_type cannot change; create a new template".into());
    }
    let settings = settings_from(&mut problems, &current.settings, &input);
    let description = match input.description.clone() {
        Some(d) => optional_text(&mut problems, "description", Some(d), 500).unwrap_or_default(),
        None => current.description.clone(),
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let updated = state
        .store
        .update_template(&Template {
            description,
            is_default: input.is_default.unwrap_or(current.is_default),
            settings,
            ..current
        })
        .await?
        .ok_or_else(|| ApiError::not_found("Template not found"))?;
    Ok(Json(template_dto(&updated)))
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_staff(&user, "manage room templates")?;
    if state.store.delete_template(&name).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Template not found"))
    }
}
