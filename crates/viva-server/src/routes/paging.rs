//! `?limit=&cursor=` on list endpoints. The body stays the documented JSON array; the next
//! page's cursor comes in the `X-Next-Cursor` header (absent on the last page).

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::ApiError;
use crate::store::page::decode_cursor;
use crate::store::{Page, Paged};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
pub const NEXT_CURSOR: &str = "x-next-cursor";

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// The page asked for; a clear 400 for a bad limit or a cursor this server did not make.
pub fn page(query: Result<Query<PageQuery>, QueryRejection>) -> Result<Page, ApiError> {
    let Query(q) = query?;
    let mut problems = Vec::new();
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                problems.push(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                ));
                DEFAULT_LIMIT
            }
        },
    };
    let after = match q.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let decoded = decode_cursor(text);
            if decoded.is_none() {
                problems.push("cursor is not one this server gave out".into());
            }
            decoded
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    Ok(Page { after, limit })
}

/// The items as the JSON array, the next cursor as a header.
pub fn respond<T, U: serde::Serialize>(paged: Paged<T>, dto: impl Fn(T) -> U) -> Response {
    let items: Vec<U> = paged.items.into_iter().map(dto).collect();
    let mut res = crate::extract::Json(items).into_response();
    if let Some(next) = paged.next.and_then(|n| HeaderValue::from_str(&n).ok()) {
        res.headers_mut().insert(NEXT_CURSOR, next);
    }
    res
}
