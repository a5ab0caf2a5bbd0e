//! Companies, jobs and applications (`/api/companies/`, `/api/jobs/`, `/api/applications/`),
//! camelCase like the public-access seed.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateCompany {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateJob {
    #[serde(default)]
    pub company_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub questions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    pub company_id: String,
    pub company_name: String,
    pub title: String,
    pub description: String,
    pub questions: Vec<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateApplication {
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub candidate_name: Option<String>,
    #[serde(default)]
    pub candidate_email: Option<String>,
    /// Any common form; stored as E.164 (default region: the server's).
    #[serde(default)]
    pub candidate_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub job_id: String,
    pub job_title: String,
    pub candidate_name: String,
    pub candidate_email: Option<String>,
    /// E.164.
    pub candidate_phone: Option<String>,
    pub created_at: String,
}
