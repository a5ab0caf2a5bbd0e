use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::{uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, Role};

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub is_staff: bool,
    pub is_superuser: bool,
}

/// The password hash never prints (a hash is still a secret to crack offline).
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("is_staff", &self.is_staff)
            .field("is_superuser", &self.is_superuser)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub is_staff: bool,
    pub is_superuser: bool,
}

const COLUMNS: &str =
    "id, username, display_name, email, phone, password_hash, role, is_staff, is_superuser";

fn from_row(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: uuid_col(row, "id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role '{role}'")))?,
        is_staff: row.try_get::<i64, _>("is_staff")? != 0,
        is_superuser: row.try_get::<i64, _>("is_superuser")? != 0,
    })
}

impl Store {
    /// Creates a user; a taken username is `StoreError::Conflict`.
    pub async fn create_user(&self, new: NewUser) -> Result<User> {
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO users (id, username, display_name, email, phone, password_hash, role, \
             is_staff, is_superuser, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(&new.email)
        .bind(&new.phone)
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(i64::from(new.is_staff))
        .bind(i64::from(new.is_superuser))
        .bind(now_ms())
        .execute(self.writer())
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("username '{}' is taken", new.username))
            }
            other => other,
        })?;
        Ok(User {
            id,
            username: new.username,
            display_name: new.display_name,
            email: new.email,
            phone: new.phone,
            password_hash: new.password_hash,
            role: new.role,
            is_staff: new.is_staff,
            is_superuser: new.is_superuser,
        })
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The user, if `family_id` is one of their sessions and has not been revoked (signed
    /// out, or a refresh token reused): one query on every authenticated request.
    pub async fn user_in_live_session(&self, id: Uuid, family_id: Uuid) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM users WHERE id = $1 AND EXISTS (SELECT 1 FROM \
             session_families f WHERE f.id = $2 AND f.user_id = $1 AND f.revoked = 0)"
        ))
        .bind(id.to_string())
        .bind(family_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_users_debug_output_has_no_password_hash() {
        let user = super::User {
            id: uuid::Uuid::nil(),
            username: "dana".into(),
            display_name: "Dana".into(),
            email: None,
            phone: Some("+971500000000".into()),
            password_hash: "$argon2id$v=19$secret-hash".into(),
            role: crate::domain::Role::Interviewer,
            is_staff: false,
            is_superuser: false,
        };
        let text = format!("{user:?}");
        assert!(text.contains("dana") && !text.contains("argon2"), "{text}");
        assert!(!text.contains("+971500000000"), "no phone either: {text}");
    }
}
