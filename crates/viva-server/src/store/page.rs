//! Keyset pagination: lists are ordered by (a BIGINT key, id) and a page continues after the
//! last row of the previous one. Stable under inserts, one indexed range scan per page.

use base64::Engine;
use sqlx::any::AnyRow;

use super::{Result, Store};

/// Where a page starts and how long it is.
#[derive(Debug, Clone)]
pub struct Page {
    /// The (key, id) of the last row already seen; None for the first page.
    pub after: Option<(i64, String)>,
    pub limit: i64,
}

impl Page {
    pub fn first(limit: i64) -> Self {
        Self { after: None, limit }
    }

    /// The bound values for `keyset_clause` (a first page starts below every key).
    pub(super) fn bounds(&self) -> (i64, String) {
        self.after.clone().unwrap_or((i64::MIN, String::new()))
    }

    /// Rows to fetch: one more than the page, to know whether another page follows.
    pub(super) fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// `(key > $1 OR (key = $1 AND id > $2))`: rows after the page's start, for `page_of`.
pub(super) fn keyset_clause(key: &str, id: &str) -> String {
    format!("({key} > $1 OR ({key} = $1 AND {id} > $2))")
}

impl Store {
    /// Runs a page query: `sql` binds the keyset bounds as `$1`, `$2` (see
    /// `keyset_clause`), the row count as `$3`, and `scope`, when given, as `$4`.
    pub(super) async fn page_of<T>(
        &self,
        sql: &str,
        scope: Option<String>,
        page: &Page,
        row: impl Fn(&AnyRow) -> Result<T>,
        key: impl Fn(&T) -> (i64, String),
    ) -> Result<Paged<T>> {
        let (k, id) = page.bounds();
        let mut query = sqlx::query(sql).bind(k).bind(id).bind(page.fetch());
        if let Some(scope) = scope {
            query = query.bind(scope);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>>>()?;
        Ok(Paged::from_rows(items, page, key))
    }
}

/// One page of rows and the cursor of the next page, if there is one.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Paged<T> {
    /// Trims the extra row fetched and makes the cursor from the last row kept.
    pub(super) fn from_rows(
        mut items: Vec<T>,
        page: &Page,
        key: impl Fn(&T) -> (i64, String),
    ) -> Self {
        let more = items.len() as i64 > page.limit;
        items.truncate(page.limit.max(0) as usize);
        let next = if more {
            items.last().map(|last| {
                let (k, id) = key(last);
                encode_cursor(k, &id)
            })
        } else {
            None
        };
        Self { items, next }
    }
}

/// An opaque cursor (clients must not build their own).
pub fn encode_cursor(key: i64, id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{key}:{id}"))
}

/// None for anything that is not a cursor this server made.
pub fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (key, id) = text.split_once(':')?;
    let id = uuid::Uuid::parse_str(id).ok()?;
    Some((key.parse().ok()?, id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = uuid::Uuid::new_v4().to_string();
        assert_eq!(decode_cursor(&encode_cursor(42, &id)), Some((42, id)));
        assert_eq!(decode_cursor("not a cursor"), None);
        assert_eq!(decode_cursor(&encode_cursor(1, "x'; DROP TABLE")), None);
    }
}
