//! The `viva-server` command line: serve (default), migrate, user create, demo, the hiring
//! catalog (company, job, application) and the notification outbox.

use clap::{Parser, Subcommand, ValueEnum};

use crate::auth::hash_password;
use crate::domain::{InterviewStatus, InterviewType, Role};
use crate::store::{NewApplication, NewInterview, NewJob, NewUser, Store, StoreError};

#[derive(Debug, Parser)]
#[command(name = "viva-server", version, about = "The Viva backend")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the default room templates (idempotent) and check LiveKit answers.
    SetupLivekit,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Create demo users and interviews (idempotent) and print their logins.
    Demo,
    /// Companies that hire.
    Company {
        #[command(subcommand)]
        command: CompanyCommand,
    },
    /// Jobs of companies.
    Job {
        #[command(subcommand)]
        command: JobCommand,
    },
    /// Candidates' applications to jobs.
    Application {
        #[command(subcommand)]
        command: ApplicationCommand,
    },
    /// Messages the `outbox` notifier kept (one-time passwords for candidates).
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Create a company; prints its id.
    Create {
        #[arg(long)]
        name: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Create a job; prints its id.
    Create {
        /// The company's id.
        #[arg(long)]
        company: uuid::Uuid,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        description: String,
        /// An interview question; repeat for several.
        #[arg(long = "question")]
        questions: Vec<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApplicationCommand {
    /// Create an application; prints its id.
    Create {
        /// The job's id.
        #[arg(long)]
        job: uuid::Uuid,
        /// The candidate's full name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// Any common form; stored as E.164 (default region: VIVA_DEFAULT_REGION).
        #[arg(long)]
        phone: Option<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Print the stored messages, oldest first.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Create {
        #[arg(long)]
        username: String,
        /// At least 8 characters. Prefer --password-stdin: arguments show in `ps`.
        #[arg(long, required_unless_present = "password_stdin")]
        password: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        staff: bool,
        #[arg(long)]
        superuser: bool,
        /// Any common form; stored as E.164 (default region: VIVA_DEFAULT_REGION).
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Interviewer,
    Candidate,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Interviewer => Role::Interviewer,
            RoleArg::Candidate => Role::Candidate,
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn create_user(
    store: &Store,
    username: &str,
    password: &str,
    role: Role,
    staff: bool,
    superuser: bool,
    phone: Option<String>,
    region: phonenumber::country::Id,
    email: Option<String>,
    display_name: Option<String>,
) -> anyhow::Result<crate::store::User> {
    let username = username.trim();
    anyhow::ensure!(
        !username.is_empty() && username.len() <= 150,
        "username must be 1-150 characters"
    );
    // The one phone rule (crate::phone): any common form, stored as E.164.
    let phone = phone
        .map(|p| crate::phone::to_e164(&p, region).map_err(|e| anyhow::anyhow!("phone {e}")))
        .transpose()?;
    let hash = hash_password(password)?;
    Ok(store
        .create_user(NewUser {
            username: username.to_owned(),
            display_name: display_name.unwrap_or_else(|| username.to_owned()),
            email,
            phone,
            password_hash: hash,
            role,
            is_staff: staff,
            is_superuser: superuser,
        })
        .await?)
}

/// Runs a catalog or outbox command, printing to stdout.
pub async fn catalog(
    store: &Store,
    config: &crate::Config,
    command: Command,
) -> anyhow::Result<()> {
    use serde_json::json;
    let ms = crate::domain::ms_to_rfc3339;
    let print = |json: bool, value: serde_json::Value, lines: Vec<String>| {
        if json {
            println!("{}", serde_json::to_string_pretty(&value).expect("JSON"));
        } else {
            for l in lines {
                println!("{l}");
            }
        }
    };
    match command {
        Command::Company {
            command: CompanyCommand::Create { name },
        } => {
            let name = name.trim();
            anyhow::ensure!(
                !name.is_empty() && name.chars().count() <= 200,
                "name must be 1-200 characters"
            );
            println!("{}", store.create_company(name).await?.id);
        }
        Command::Company {
            command: CompanyCommand::List { json },
        } => {
            let all = store.companies().await?;
            print(
                json,
                json!(all
                    .iter()
                    .map(|c| json!({"id": c.id, "name": c.name, "createdAt": ms(c.created_at_ms)}))
                    .collect::<Vec<_>>()),
                all.iter()
                    .map(|c| format!("{}  {}", c.id, c.name))
                    .collect(),
            );
        }
        Command::Job {
            command:
                JobCommand::Create {
                    company,
                    title,
                    description,
                    questions,
                },
        } => {
            let title = title.trim().to_owned();
            anyhow::ensure!(
                !title.is_empty() && title.chars().count() <= 200,
                "title must be 1-200 characters"
            );
            let job = store
                .create_job(NewJob {
                    company_id: company,
                    title,
                    description,
                    questions,
                })
                .await?
                .ok_or_else(|| anyhow::anyhow!("no company {company}"))?;
            println!("{}", job.id);
        }
        Command::Job {
            command: JobCommand::List { json },
        } => {
            let all = store.jobs().await?;
            print(
                json,
                json!(all
                    .iter()
                    .map(
                        |j| json!({"id": j.id, "companyId": j.company_id, "title": j.title,
                        "description": j.description, "questions": j.questions,
                        "createdAt": ms(j.created_at_ms)})
                    )
                    .collect::<Vec<_>>()),
                all.iter()
                    .map(|j| format!("{}  {}", j.id, j.title))
                    .collect(),
            );
        }
        Command::Application {
            command:
                ApplicationCommand::Create {
                    job,
                    name,
                    email,
                    phone,
                },
        } => {
            let name = name.trim().to_owned();
            anyhow::ensure!(
                !name.is_empty() && name.chars().count() <= 200,
                "name must be 1-200 characters"
            );
            let phone = phone
                .map(|p| {
                    crate::phone::to_e164(&p, config.default_region)
                        .map_err(|e| anyhow::anyhow!("phone {e}"))
                })
                .transpose()?;
            let app = store
                .create_application(NewApplication {
                    job_id: job,
                    candidate_name: name,
                    candidate_email: email,
                    candidate_phone: phone,
                })
                .await?
                .ok_or_else(|| anyhow::anyhow!("no job {job}"))?;
            println!("{}", app.id);
        }
        Command::Application {
            command: ApplicationCommand::List { json },
        } => {
            let all = store.applications().await?;
            print(
                json,
                json!(all
                    .iter()
                    .map(
                        |a| json!({"id": a.id, "jobId": a.job_id, "candidateName": a.candidate_name,
                        "candidateEmail": a.candidate_email, "candidatePhone": a.candidate_phone,
                        "createdAt": ms(a.created_at_ms)})
                    )
                    .collect::<Vec<_>>()),
                all.iter()
                    .map(|a| {
                        format!(
                            "{}  {}  {}",
                            a.id,
                            a.candidate_name,
                            a.candidate_phone.as_deref().unwrap_or("-")
                        )
                    })
                    .collect(),
            );
        }
        Command::Outbox {
            command: OutboxCommand::List { json },
        } => {
            let all = store.outbox().await?;
            print(
                json,
                json!(all
                    .iter()
                    .map(
                        |m| json!({"id": m.id, "channel": m.channel, "recipient": m.recipient,
                        "body": m.body, "createdAt": ms(m.created_at_ms)})
                    )
                    .collect::<Vec<_>>()),
                all.iter()
                    .map(|m| format!("{}  to {}\n{}\n", ms(m.created_at_ms), m.recipient, m.body))
                    .collect(),
            );
        }
        other => anyhow::bail!("not a catalog command: {other:?}"),
    }
    Ok(())
}

/// A demo login: fixed, documented, for local use only.
pub struct DemoUser {
    pub username: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub staff: bool,
    pub superuser: bool,
    pub phone: Option<&'static str>,
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        username: "interviewer",
        password: "viva-interviewer",
        display_name: "Dana Reyes",
        role: Role::Interviewer,
        staff: false,
        superuser: false,
        phone: None,
    },
    DemoUser {
        username: "interviewer2",
        password: "viva-interviewer2",
        display_name: "Lee Okafor",
        role: Role::Interviewer,
        staff: false,
        superuser: false,
        phone: None,
    },
    DemoUser {
        username: "candidate",
        password: "viva-candidate",
        display_name: "Sam Haddad",
        role: Role::Candidate,
        staff: false,
        superuser: false,
        phone: Some("+971501234567"),
    },
    DemoUser {
        username: "hr",
        password: "viva-hr-staff",
        display_name: "Robin Hale (HR)",
        role: Role::Interviewer,
        staff: true,
        superuser: false,
        phone: None,
    },
    DemoUser {
        username: "admin",
        password: "viva-admin-pass",
        display_name: "Platform Admin",
        role: Role::Interviewer,
        staff: true,
        superuser: true,
        phone: None,
    },
];

/// Creates the demo users (skipping existing ones) and, once, the demo interviews.
pub async fn demo(store: &Store, region: phonenumber::country::Id) -> anyhow::Result<()> {
    for u in DEMO_USERS {
        if store.user_by_username(u.username).await?.is_some() {
            continue;
        }
        match create_user(
            store,
            u.username,
            u.password,
            u.role,
            u.staff,
            u.superuser,
            u.phone.map(str::to_owned),
            region,
            None,
            Some(u.display_name.to_owned()),
        )
        .await
        {
            Ok(_) => {}
            // Another process created it between our check and insert: fine.
            Err(e)
                if matches!(
                    e.downcast_ref::<StoreError>(),
                    Some(StoreError::Conflict(_))
                ) => {}
            Err(e) => return Err(e),
        }
    }
    let candidate = store
        .user_by_username("candidate")
        .await?
        .expect("created above");
    let interviewer = store
        .user_by_username("interviewer")
        .await?
        .expect("created above");
    if store.interviews_for(Some(candidate.id)).await?.is_empty() {
        let now = chrono::Utc::now().timestamp_millis();
        for (topic, status, offset_min, kind) in [
            (
                "Backend Engineer Interview",
                InterviewStatus::Accepted,
                10,
                InterviewType::Technical,
            ),
            (
                "System Design Follow-up",
                InterviewStatus::Pending,
                24 * 60,
                InterviewType::Technical,
            ),
            (
                "Culture & Values Chat",
                InterviewStatus::Accepted,
                3 * 60,
                InterviewType::Behavioral,
            ),
        ] {
            store
                .create_interview(NewInterview {
                    sender_id: candidate.id,
                    receiver_id: interviewer.id,
                    topic: topic.into(),
                    status,
                    scheduled_time_ms: now + offset_min * 60_000,
                    duration_minutes: 60,
                    interview_type: kind,
                    application_id: None,
                })
                .await?;
        }
    }
    // A hiring catalog entry for the public-room and password flows (the seed's example).
    if store.companies().await?.is_empty() {
        let company = store.create_company("MENA Bank").await?;
        let job = store
            .create_job(NewJob {
                company_id: company.id,
                title: "Senior Backend Developer - Fintech".into(),
                description: "Design and run payment services.".into(),
                questions: vec![
                    "Tell us about a system you scaled.".into(),
                    "How do you make a payment idempotent?".into(),
                ],
            })
            .await?
            .expect("created above");
        store
            .create_application(NewApplication {
                job_id: job.id,
                candidate_name: "Ahmed Hassan".into(),
                candidate_email: Some("ahmed@example.com".into()),
                candidate_phone: Some("+971509876543".into()),
            })
            .await?;
    }
    if let Some(app) = store.applications().await?.first() {
        println!(
            "Demo application: {} ({}) {}",
            app.candidate_name,
            app.candidate_phone.as_deref().unwrap_or("-"),
            app.id
        );
    }
    println!("Demo logins (local use only):");
    println!("  {:<14} {:<20} who", "username", "password");
    for u in DEMO_USERS {
        let who = if u.superuser {
            "superuser"
        } else if u.staff {
            "staff (HR)"
        } else {
            u.role.as_str()
        };
        println!("  {:<14} {:<20} {who}", u.username, u.password);
    }
    Ok(())
}
