//! Companies, jobs and applications: the catalog staff (HR) manage and public rooms and
//! password rooms are created from. Staff only.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;
use viva_api::catalog::{
    Application as ApplicationDto, Company as CompanyDto, CreateApplication, CreateCompany,
    CreateJob, Job as JobDto,
};

use crate::domain::ms_to_rfc3339;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{Application, Company, Job, NewApplication, NewJob};

use super::fields::{text, uuid_field};
use super::paging::{self, PageQuery};

fn require_staff(user: &CurrentUser) -> Result<(), ApiError> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only staff can manage companies, jobs and applications",
        ))
    }
}

fn company_dto(c: &Company) -> CompanyDto {
    CompanyDto {
        id: c.id.to_string(),
        name: c.name.clone(),
        created_at: ms_to_rfc3339(c.created_at_ms),
    }
}

async fn job_dto(state: &AppState, j: &Job) -> Result<JobDto, ApiError> {
    let company = state
        .store
        .company(j.company_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("job {} has no company", j.id)))?;
    Ok(job_with(j, company.name))
}

fn job_with(j: &Job, company_name: String) -> JobDto {
    JobDto {
        id: j.id.to_string(),
        company_id: j.company_id.to_string(),
        company_name,
        title: j.title.clone(),
        description: j.description.clone(),
        questions: j.questions.clone(),
        created_at: ms_to_rfc3339(j.created_at_ms),
    }
}

async fn application_dto(state: &AppState, a: &Application) -> Result<ApplicationDto, ApiError> {
    let job = state
        .store
        .job(a.job_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("application {} has no job", a.id)))?;
    Ok(application_with(a, job.title))
}

fn application_with(a: &Application, job_title: String) -> ApplicationDto {
    ApplicationDto {
        id: a.id.to_string(),
        job_id: a.job_id.to_string(),
        job_title,
        candidate_name: a.candidate_name.clone(),
        candidate_email: a.candidate_email.clone(),
        candidate_phone: a.candidate_phone.clone(),
        created_at: ms_to_rfc3339(a.created_at_ms),
    }
}

pub async fn create_company(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateCompany>,
) -> Result<(StatusCode, Json<CompanyDto>), ApiError> {
    require_staff(&user)?;
    let mut problems = Vec::new();
    let Some(name) = text(&mut problems, "name", body.name, 200) else {
        return Err(ApiError::validation(problems));
    };
    let c = state.store.create_company(&name).await?;
    Ok((StatusCode::CREATED, Json(company_dto(&c))))
}

pub async fn list_companies(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    require_staff(&user)?;
    let page = paging::page(query)?;
    let listed = state.store.company_page(&page).await?;
    Ok(paging::respond(listed, |c| company_dto(&c)))
}

pub async fn get_company(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<CompanyDto>, ApiError> {
    require_staff(&user)?;
    let c = state
        .store
        .company(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Company {id} not found")))?;
    Ok(Json(company_dto(&c)))
}

pub async fn create_job(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateJob>,
) -> Result<(StatusCode, Json<JobDto>), ApiError> {
    require_staff(&user)?;
    let mut problems = Vec::new();
    let company_id = uuid_field(&mut problems, "companyId", body.company_id);
    let title = text(&mut problems, "title", body.title, 200);
    let description = body.description.unwrap_or_default().trim().to_owned();
    if description.chars().count() > 10_000 {
        problems.push("description must be at most 10000 characters".into());
    }
    let questions: Vec<String> = body
        .questions
        .unwrap_or_default()
        .into_iter()
        .map(|q| q.trim().to_owned())
        .collect();
    if questions.len() > 50 {
        problems.push("questions must have at most 50 entries".into());
    }
    if questions
        .iter()
        .any(|q| q.is_empty() || q.chars().count() > 1000)
    {
        problems.push("each question must be 1 to 1000 characters".into());
    }
    let (Some(company_id), Some(title), true) = (company_id, title, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let job = state
        .store
        .create_job(NewJob {
            company_id,
            title,
            description,
            questions,
        })
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Company {company_id} not found")))?;
    Ok((StatusCode::CREATED, Json(job_dto(&state, &job).await?)))
}

pub async fn list_jobs(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    require_staff(&user)?;
    let page = paging::page(query)?;
    let listed = state.store.job_page(&page).await?;
    Ok(paging::respond(listed, |(j, company)| {
        job_with(&j, company)
    }))
}

pub async fn get_job(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<JobDto>, ApiError> {
    require_staff(&user)?;
    let j = state
        .store
        .job(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Job {id} not found")))?;
    Ok(Json(job_dto(&state, &j).await?))
}

pub async fn create_application(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateApplication>,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    require_staff(&user)?;
    let mut problems = Vec::new();
    let job_id = uuid_field(&mut problems, "jobId", body.job_id);
    let name = text(&mut problems, "candidateName", body.candidate_name, 200);
    let email = body
        .candidate_email
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    if let Some(e) = &email {
        if e.len() > 254 || !e.contains('@') {
            problems.push("candidateEmail must be an email address".into());
        }
    }
    let phone = match body.candidate_phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => match crate::phone::to_e164(p, state.config.default_region) {
            Ok(e164) => Some(e164),
            Err(e) => {
                problems.push(format!("candidatePhone {e}"));
                None
            }
        },
    };
    let (Some(job_id), Some(candidate_name), true) = (job_id, name, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let a = state
        .store
        .create_application(NewApplication {
            job_id,
            candidate_name,
            candidate_email: email,
            candidate_phone: phone,
        })
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Job {job_id} not found")))?;
    Ok((
        StatusCode::CREATED,
        Json(application_dto(&state, &a).await?),
    ))
}

pub async fn list_applications(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    require_staff(&user)?;
    let page = paging::page(query)?;
    let listed = state.store.application_page(&page).await?;
    Ok(paging::respond(listed, |(a, job)| {
        application_with(&a, job)
    }))
}

pub async fn get_application(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<ApplicationDto>, ApiError> {
    require_staff(&user)?;
    let a = state
        .store
        .application(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Application {id} not found")))?;
    Ok(Json(application_dto(&state, &a).await?))
}
