//! The signed-in caller, from `Authorization: Bearer <access token>`.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use uuid::Uuid;

use crate::domain::Role;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::User;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub family_id: Uuid,
}

impl CurrentUser {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    pub fn is_interviewer(&self) -> bool {
        self.user.role == Role::Interviewer
    }

    /// Staff and superusers act as HR: they see and cancel any interview.
    pub fn is_staff(&self) -> bool {
        self.user.is_staff || self.user.is_superuser
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = crate::extract::bearer(&parts.headers).ok_or_else(|| {
            ApiError::unauthorized("Authentication credentials were not provided")
        })?;
        let invalid = || ApiError::unauthorized("Invalid or expired access token");
        let claims = state.tokens.verify(token).ok_or_else(invalid)?;
        let user_id = Uuid::parse_str(&claims.sub).map_err(|_| invalid())?;
        let family_id = Uuid::parse_str(&claims.fam).map_err(|_| invalid())?;
        // Sign-out and refresh-token reuse revoke the family; its access tokens end too.
        let user = state
            .store
            .user_in_live_session(user_id, family_id)
            .await?
            .ok_or_else(invalid)?;
        Ok(CurrentUser { user, family_id })
    }
}

/// For endpoints that behave differently for signed-in callers: a missing or invalid token
/// is simply no user.
impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(e) if e.status() == axum::http::StatusCode::UNAUTHORIZED => Ok(None),
            Err(e) => Err(e),
        }
    }
}
