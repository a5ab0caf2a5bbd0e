//! Object storage for recordings over the S3 API (AWS S3, Cloudflare R2, GCS interop, MinIO,
//! SeaweedFS): requests are signed by rusty-s3 and sent with reqwest.
//!
//! Files go up in parts of `PART` bytes (multipart upload), each part retried a few times;
//! an upload that still fails is aborted and tried again whole on the next maintenance
//! pass, from the spool, so nothing is lost while the storage is away.

use std::path::Path;
use std::time::Duration;

use reqwest::header::ETAG;
use rusty_s3::actions::{CompleteMultipartUploadResponse, CreateMultipartUpload, S3Action as _};
use rusty_s3::{Bucket, Credentials, UrlStyle};
use tokio::io::AsyncReadExt;

use super::config::S3Config;

/// Part size: S3's minimum (5 MiB) is too chatty for hour-long files; 8 MiB keeps memory low.
const PART: usize = 8 * 1024 * 1024;
/// How long a signed request URL is valid (the request is sent at once).
const SIGNED: Duration = Duration::from_secs(300);
const PART_ATTEMPTS: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object storage is not configured: {0}")]
    Config(String),
    #[error("object storage answered {status} to {action}: {body}")]
    Status {
        action: &'static str,
        status: u16,
        body: String,
    },
    #[error("object storage unreachable during {action}: {cause}")]
    Unreachable { action: &'static str, cause: String },
    #[error("spool file: {0}")]
    Io(String),
}

pub struct ObjectStore {
    bucket: Bucket,
    credentials: Credentials,
    http: reqwest::Client,
}

impl std::fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStore")
            .field("bucket", &self.bucket.name())
            .field("endpoint", &self.bucket.base_url().as_str())
            .finish()
    }
}

async fn send(
    action: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<reqwest::Response, StorageError> {
    let response = request
        .send()
        .await
        .map_err(|e| StorageError::Unreachable {
            action,
            cause: e.to_string(),
        })?;
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status().as_u16();
    let body: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    Err(StorageError::Status {
        action,
        status,
        body,
    })
}

impl ObjectStore {
    pub fn new(config: &S3Config) -> Result<Self, StorageError> {
        let style = match config.path_style {
            true => UrlStyle::Path,
            false => UrlStyle::VirtualHost,
        };
        let bucket = Bucket::new(
            config.endpoint.clone(),
            style,
            config.bucket.clone(),
            config.region.clone(),
        )
        .map_err(|e| StorageError::Config(e.to_string()))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| StorageError::Config(e.to_string()))?;
        Ok(Self {
            bucket,
            credentials: Credentials::new(
                config.access_key.clone(),
                config.secret_key.expose().to_owned(),
            ),
            http,
        })
    }

    /// Creates the bucket when it does not exist (`viva-server setup-storage`, tests).
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        let head = self
            .bucket
            .head_bucket(Some(&self.credentials))
            .sign(SIGNED);
        if send("HeadBucket", self.http.head(head)).await.is_ok() {
            return Ok(());
        }
        let create = self.bucket.create_bucket(&self.credentials).sign(SIGNED);
        send("CreateBucket", self.http.put(create))
            .await
            .map(|_| ())
    }

    /// Uploads the file at `path` to `key`; returns its size.
    pub async fn upload_file(&self, key: &str, path: &Path) -> Result<u64, StorageError> {
        let io = |e: std::io::Error| StorageError::Io(format!("{}: {e}", path.display()));
        let mut file = tokio::fs::File::open(path).await.map_err(io)?;
        let size = file.metadata().await.map_err(io)?.len();
        if size <= PART as u64 {
            let mut body = Vec::with_capacity(size as usize);
            file.read_to_end(&mut body).await.map_err(io)?;
            let url = self
                .bucket
                .put_object(Some(&self.credentials), key)
                .sign(SIGNED);
            send("PutObject", self.http.put(url).body(body)).await?;
            return Ok(size);
        }
        let create = self
            .bucket
            .create_multipart_upload(Some(&self.credentials), key);
        let answer = send("CreateMultipartUpload", self.http.post(create.sign(SIGNED)))
            .await?
            .text()
            .await
            .map_err(|e| StorageError::Unreachable {
                action: "CreateMultipartUpload",
                cause: e.to_string(),
            })?;
        let upload =
            CreateMultipartUpload::parse_response(&answer).map_err(|e| StorageError::Status {
                action: "CreateMultipartUpload",
                status: 200,
                body: e.to_string(),
            })?;
        let upload_id = upload.upload_id().to_owned();
        match self.upload_parts(key, &upload_id, &mut file).await {
            Ok(()) => Ok(size),
            Err(e) => {
                // Parts kept by the storage cost money until aborted.
                let abort = self
                    .bucket
                    .abort_multipart_upload(Some(&self.credentials), key, &upload_id)
                    .sign(SIGNED);
                let _ = send("AbortMultipartUpload", self.http.delete(abort)).await;
                Err(e)
            }
        }
    }

    async fn upload_parts(
        &self,
        key: &str,
        upload_id: &str,
        file: &mut tokio::fs::File,
    ) -> Result<(), StorageError> {
        let mut etags = Vec::new();
        let mut buf = vec![0u8; PART];
        for number in 1u16.. {
            let mut filled = 0;
            while filled < PART {
                let n = file
                    .read(&mut buf[filled..])
                    .await
                    .map_err(|e| StorageError::Io(e.to_string()))?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            let mut attempt = 0;
            let etag = loop {
                attempt += 1;
                let url = self
                    .bucket
                    .upload_part(Some(&self.credentials), key, number, upload_id)
                    .sign(SIGNED);
                match send(
                    "UploadPart",
                    self.http.put(url).body(buf[..filled].to_vec()),
                )
                .await
                {
                    Ok(r) => match r.headers().get(ETAG).and_then(|v| v.to_str().ok()) {
                        Some(etag) => break etag.to_owned(),
                        None => {
                            return Err(StorageError::Status {
                                action: "UploadPart",
                                status: 200,
                                body: "no ETag in the answer".into(),
                            })
                        }
                    },
                    Err(e) if attempt >= PART_ATTEMPTS => return Err(e),
                    Err(_) => tokio::time::sleep(Duration::from_millis(500 * attempt as u64)).await,
                }
            };
            etags.push(etag);
            if filled < PART {
                break;
            }
        }
        let complete = self.bucket.complete_multipart_upload(
            Some(&self.credentials),
            key,
            upload_id,
            etags.iter().map(String::as_str),
        );
        let url = complete.sign(SIGNED);
        let body = send(
            "CompleteMultipartUpload",
            self.http.post(url).body(complete.body()),
        )
        .await?
        .text()
        .await
        .unwrap_or_default();
        // S3 may answer 200 and still report an error in the body.
        CompleteMultipartUploadResponse::parse(&body)
            .map(|_| ())
            .map_err(|_| StorageError::Status {
                action: "CompleteMultipartUpload",
                status: 200,
                body: body.chars().take(300).collect(),
            })
    }

    /// A link that downloads `key` for `ttl`, signed with the storage's own keys.
    pub fn download_url(&self, key: &str, ttl: Duration) -> String {
        self.bucket
            .get_object(Some(&self.credentials), key)
            .sign(ttl)
            .to_string()
    }

    /// Deletes `key`; an object already gone is fine.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), key)
            .sign(SIGNED);
        match send("DeleteObject", self.http.delete(url)).await {
            Err(StorageError::Status { status: 404, .. }) => Ok(()),
            other => other.map(|_| ()),
        }
    }
}
