//! The hiring catalog staff manage: companies, their jobs, and candidates' applications.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::page::{keyset_clause, Page, Paged};
use super::{uuid_col, Result, Store, StoreError};
use crate::domain::now_ms;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub id: Uuid,
    pub name: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: Uuid,
    pub company_id: Uuid,
    pub title: String,
    pub description: String,
    pub questions: Vec<String>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub company_id: Uuid,
    pub title: String,
    pub description: String,
    pub questions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: Uuid,
    pub job_id: Uuid,
    pub candidate_name: String,
    pub candidate_email: Option<String>,
    /// E.164.
    pub candidate_phone: Option<String>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub job_id: Uuid,
    pub candidate_name: String,
    pub candidate_email: Option<String>,
    pub candidate_phone: Option<String>,
}

fn company(row: &AnyRow) -> Result<Company> {
    Ok(Company {
        id: uuid_col(row, "id")?,
        name: row.try_get("name")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

fn job(row: &AnyRow) -> Result<Job> {
    let questions: String = row.try_get("questions")?;
    Ok(Job {
        id: uuid_col(row, "id")?,
        company_id: uuid_col(row, "company_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        questions: serde_json::from_str(&questions)
            .map_err(|_| StoreError::Corrupt(format!("job questions '{questions}'")))?,
        created_at_ms: row.try_get("created_at")?,
    })
}

fn application(row: &AnyRow) -> Result<Application> {
    Ok(Application {
        id: uuid_col(row, "id")?,
        job_id: uuid_col(row, "job_id")?,
        candidate_name: row.try_get("candidate_name")?,
        candidate_email: row.try_get("candidate_email")?,
        candidate_phone: row.try_get("candidate_phone")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

const JOB_COLUMNS: &str = "id, company_id, title, description, questions, created_at";
const APPLICATION_COLUMNS: &str =
    "id, job_id, candidate_name, candidate_email, candidate_phone, created_at";

impl Store {
    pub async fn create_company(&self, name: &str) -> Result<Company> {
        let c = Company {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            created_at_ms: now_ms(),
        };
        sqlx::query("INSERT INTO companies (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(c.id.to_string())
            .bind(&c.name)
            .bind(c.created_at_ms)
            .execute(self.writer())
            .await?;
        Ok(c)
    }

    pub async fn company(&self, id: Uuid) -> Result<Option<Company>> {
        let row = sqlx::query("SELECT id, name, created_at FROM companies WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(company).transpose()
    }

    pub async fn companies(&self) -> Result<Vec<Company>> {
        let rows =
            sqlx::query("SELECT id, name, created_at FROM companies ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(company).collect()
    }

    /// Creates a job; `None` when the company does not exist.
    pub async fn create_job(&self, new: NewJob) -> Result<Option<Job>> {
        if self.company(new.company_id).await?.is_none() {
            return Ok(None);
        }
        let j = Job {
            id: Uuid::new_v4(),
            company_id: new.company_id,
            title: new.title,
            description: new.description,
            questions: new.questions,
            created_at_ms: now_ms(),
        };
        sqlx::query(&format!(
            "INSERT INTO jobs ({JOB_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(j.id.to_string())
        .bind(j.company_id.to_string())
        .bind(&j.title)
        .bind(&j.description)
        .bind(serde_json::to_string(&j.questions).expect("strings serialize"))
        .bind(j.created_at_ms)
        .execute(self.writer())
        .await?;
        Ok(Some(j))
    }

    pub async fn job(&self, id: Uuid) -> Result<Option<Job>> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job).transpose()
    }

    pub async fn jobs(&self) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job).collect()
    }

    /// Creates an application; `None` when the job does not exist.
    pub async fn create_application(&self, new: NewApplication) -> Result<Option<Application>> {
        if self.job(new.job_id).await?.is_none() {
            return Ok(None);
        }
        let a = Application {
            id: Uuid::new_v4(),
            job_id: new.job_id,
            candidate_name: new.candidate_name,
            candidate_email: new.candidate_email,
            candidate_phone: new.candidate_phone,
            created_at_ms: now_ms(),
        };
        sqlx::query(&format!(
            "INSERT INTO applications ({APPLICATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(a.id.to_string())
        .bind(a.job_id.to_string())
        .bind(&a.candidate_name)
        .bind(&a.candidate_email)
        .bind(&a.candidate_phone)
        .bind(a.created_at_ms)
        .execute(self.writer())
        .await?;
        Ok(Some(a))
    }

    pub async fn application(&self, id: Uuid) -> Result<Option<Application>> {
        let row = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(application).transpose()
    }

    pub async fn applications(&self) -> Result<Vec<Application>> {
        let rows = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(application).collect()
    }

    /// A page of companies, oldest first.
    pub async fn company_page(&self, page: &Page) -> Result<Paged<Company>> {
        let sql = format!(
            "SELECT id, name, created_at FROM companies WHERE {} ORDER BY created_at, id LIMIT $3",
            keyset_clause("created_at", "id")
        );
        self.page_of(&sql, None, page, company, |c| {
            (c.created_at_ms, c.id.to_string())
        })
        .await
    }

    /// A page of jobs with their company's name, oldest first, in one query.
    pub async fn job_page(&self, page: &Page) -> Result<Paged<(Job, String)>> {
        let sql = format!(
            "SELECT {}, c.name AS company_name FROM jobs j JOIN companies c ON c.id = j.company_id \
             WHERE {} ORDER BY j.created_at, j.id LIMIT $3",
            prefixed("j", JOB_COLUMNS),
            keyset_clause("j.created_at", "j.id")
        );
        let row = |r: &AnyRow| Ok((job(r)?, r.try_get("company_name")?));
        self.page_of(&sql, None, page, row, |(j, _)| {
            (j.created_at_ms, j.id.to_string())
        })
        .await
    }

    /// A page of applications with their job's title, oldest first, in one query.
    pub async fn application_page(&self, page: &Page) -> Result<Paged<(Application, String)>> {
        let sql = format!(
            "SELECT {}, j.title AS job_title FROM applications a JOIN jobs j ON j.id = a.job_id \
             WHERE {} ORDER BY a.created_at, a.id LIMIT $3",
            prefixed("a", APPLICATION_COLUMNS),
            keyset_clause("a.created_at", "a.id")
        );
        let row = |r: &AnyRow| Ok((application(r)?, r.try_get("job_title")?));
        self.page_of(&sql, None, page, row, |(a, _)| {
            (a.created_at_ms, a.id.to_string())
        })
        .await
    }
}

/// `a, b` as `t.a, t.b` (column names stay `a`, `b` in the result).
fn prefixed(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
