//! `REPORTS/catalog.sqlite`: what each package was (identity), what its check
//! concluded, and the digest of every resource. A package is recorded, in one
//! transaction, only after its report files have been renamed into place, so
//! a row always points at complete files; a run killed before the commit
//! simply checks that package again.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::unsupported::NotAPackage;
use crate::kinds::ResourceKind;
use crate::source::SourceKind;

pub const FILE_NAME: &str = "catalog.sqlite";
/// 2: `status` may be `unsupported` (a file in the inbox that is not a
/// package). A version-1 catalog is migrated when opened.
const SCHEMA_VERSION: i64 = 2;

/// The `packages` table, under `name`.
fn packages_table(name: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {name} (
            name TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            source TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            archive_sha256 TEXT,
            id TEXT NOT NULL,
            stem TEXT NOT NULL,
            provider TEXT,
            title TEXT,
            status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'unsupported')),
            files INTEGER NOT NULL,
            total_bytes INTEGER NOT NULL,
            course_resources INTEGER NOT NULL,
            videos INTEGER NOT NULL,
            video_ratio TEXT,
            video_bytes_ratio TEXT,
            threshold_percent INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            deadline TEXT,
            error_text TEXT,
            by_kind TEXT NOT NULL,
            report_file TEXT,
            manifest_file TEXT,
            html_file TEXT,
            checked_at TEXT NOT NULL,
            options_key TEXT NOT NULL,
            tool_version TEXT NOT NULL
         );"
    )
}

/// The outcome of one package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Fail,
    /// Could not be processed (corrupt zip, permission denied, …).
    Error,
    /// Not a package: a file in the inbox that is neither a zip nor a
    /// folder (a RAR or 7z archive, a lone PDF, …).
    Unsupported,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Unsupported => "unsupported",
        }
    }

    /// A package that went through a check (pass or fail).
    pub fn processed(self) -> bool {
        matches!(self, Status::Pass | Status::Fail)
    }

    pub fn parse(s: &str) -> Status {
        match s {
            "pass" => Status::Pass,
            "fail" => Status::Fail,
            "unsupported" => Status::Unsupported,
            _ => Status::Error,
        }
    }
}

/// What an inbox entry is, as the `source` column records it: a package
/// (`folder`, `zip`) or, on an `unsupported` row, what the file is (`rar`,
/// `7z`, … — where `zip` means zip content under another name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSource {
    Package(SourceKind),
    NotAPackage(NotAPackage),
}

impl RowSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RowSource::Package(SourceKind::Folder) => "folder",
            RowSource::Package(SourceKind::Zip) => "zip",
            RowSource::NotAPackage(what) => what.as_str(),
        }
    }

    /// The column read back; its meaning depends on the row's status.
    fn parse(column: &str, status: Status) -> RowSource {
        match (status, column) {
            (Status::Unsupported, what) => {
                RowSource::NotAPackage(NotAPackage::parse(what).unwrap_or(NotAPackage::Other))
            }
            (_, "folder") => RowSource::Package(SourceKind::Folder),
            _ => RowSource::Package(SourceKind::Zip),
        }
    }
}

/// One package: its identity on disk and the result of its check.
#[derive(Clone, Debug, PartialEq)]
pub struct PackageRow {
    /// File or folder name in the inbox: the key.
    pub name: String,
    pub path: String,
    pub source: RowSource,
    /// Zip: the file's size; folder: total size of its files.
    pub size: u64,
    /// Zip: the file's modification time; folder: the newest of its files and folders (ns since 1970).
    pub mtime_ns: i64,
    /// Folder: `files=N;bytes=B;mtime=T`; zip: `size=B;mtime=T`.
    pub fingerprint: String,
    pub archive_sha256: Option<String>,
    /// The package id (descriptor id, else the name without `.zip`).
    pub id: String,
    /// File-name stem of this package's outputs (`<stem>.report.json`, …).
    pub stem: String,
    pub provider: Option<String>,
    pub title: Option<String>,
    pub status: Status,
    pub files: u64,
    pub total_bytes: u64,
    pub course_resources: u64,
    pub videos: u64,
    pub video_ratio: Option<String>,
    pub video_bytes_ratio: Option<String>,
    pub threshold_percent: u32,
    pub errors: u64,
    pub warnings: u64,
    pub deadline: Option<String>,
    /// Why the package could not be processed.
    pub error_text: Option<String>,
    /// Files of each kind (all files).
    pub by_kind: BTreeMap<String, u64>,
    pub report_file: Option<String>,
    pub manifest_file: Option<String>,
    pub html_file: Option<String>,
    pub checked_at: String,
    /// Fingerprint of the policy the package was checked under.
    pub options_key: String,
    pub tool_version: String,
}

impl PackageRow {
    /// Provider for duplicate detection: the descriptor's, else the package id.
    pub fn provider_key(&self) -> &str {
        self.provider
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .unwrap_or(&self.id)
    }
}

/// One file of a package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRow {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub kind: ResourceKind,
}

pub struct Catalog {
    conn: Connection,
}

fn err(e: rusqlite::Error) -> CatalogError {
    CatalogError::Sqlite(e)
}

/// Why the catalog cannot be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{path}: {source}", path = .path.display())]
    Open {
        path: std::path::PathBuf,
        source: rusqlite::Error,
    },
    #[error("catalog: {0}")]
    Sqlite(rusqlite::Error),
    #[error(
        "{path}: catalog schema version {found} is not supported (this trainpack writes version {SCHEMA_VERSION}); use a new --out folder",
        path = .path.display()
    )]
    UnsupportedVersion {
        path: std::path::PathBuf,
        found: String,
    },
}

impl crate::error::Localized for CatalogError {
    fn text(&self) -> crate::i18n::Text {
        let zh = match self {
            CatalogError::Open { path, source } => {
                format!(
                    "{}：无法打开目录库：{}",
                    path.display(),
                    sqlite_reason_zh(source)
                )
            }
            CatalogError::Sqlite(e) => format!("目录库：{}", sqlite_reason_zh(e)),
            CatalogError::UnsupportedVersion { path, found } => format!(
                "{}：不支持目录库结构版本 {found}（本版 trainpack 写入版本 {SCHEMA_VERSION}）；请换一个新的 --out 文件夹",
                path.display()
            ),
        };
        crate::i18n::Text::new(self.to_string(), zh)
    }
}

/// SQLite's reason in Chinese, chosen by its error code, never by wording.
fn sqlite_reason_zh(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => {
            "目录库正被占用（可能另一个 trainpack 正在写入同一文件夹）".to_owned()
        }
        Some(C::NotADatabase) => "不是 SQLite 数据库文件".to_owned(),
        Some(C::DatabaseCorrupt) => "数据库文件已损坏".to_owned(),
        Some(C::CannotOpen) => "无法打开数据库文件".to_owned(),
        Some(C::ReadOnly) => "数据库为只读".to_owned(),
        Some(C::PermissionDenied) => "没有访问权限".to_owned(),
        Some(C::DiskFull) => "磁盘空间已满".to_owned(),
        Some(C::SystemIoFailure) => "输入输出错误".to_owned(),
        Some(code) => format!("数据库错误（{code:?}）"),
        None => "数据库错误".to_owned(),
    }
}

const COLUMNS: &str = "name, path, source, size, mtime_ns, fingerprint, archive_sha256, id, stem, provider, title, status, files, total_bytes, course_resources, videos, video_ratio, video_bytes_ratio, threshold_percent, errors, warnings, deadline, error_text, by_kind, report_file, manifest_file, html_file, checked_at, options_key, tool_version";

/// Version 1 to 2: the `status` check admits `unsupported`. SQLite cannot
/// change a CHECK constraint in place, so the table is rebuilt, as its
/// documentation prescribes (foreign keys off, so dropping the old table
/// does not cascade to the resources).
fn migrate_from_1(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;
         BEGIN;
         {}
         INSERT INTO packages_v2 SELECT * FROM packages;
         DROP TABLE packages;
         ALTER TABLE packages_v2 RENAME TO packages;
         UPDATE meta SET value = '2' WHERE key = 'schema_version';
         COMMIT;
         PRAGMA foreign_keys = ON;",
        packages_table("packages_v2")
    ))
}

/// A resource's kind as stored; one this version does not know is other.
fn kind_column(row: &rusqlite::Row, index: usize) -> rusqlite::Result<ResourceKind> {
    let name: String = row.get(index)?;
    Ok(ResourceKind::parse(&name).unwrap_or(ResourceKind::Other))
}

impl Catalog {
    /// Open (creating if needed) the catalog in `dir`.
    pub fn open(dir: &Path) -> Result<Catalog, CatalogError> {
        let path = dir.join(FILE_NAME);
        let conn = Connection::open(&path).map_err(|source| CatalogError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(err)?;
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             {packages}
             CREATE TABLE IF NOT EXISTS resources (
                package TEXT NOT NULL REFERENCES packages(name) ON DELETE CASCADE,
                path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                kind TEXT NOT NULL,
                PRIMARY KEY (package, path)
             );
             CREATE INDEX IF NOT EXISTS resources_by_sha256 ON resources(sha256);",
            packages = packages_table("packages")
        ))
        .map_err(err)?;
        let version: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        match version {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)",
                    params![SCHEMA_VERSION.to_string()],
                )
                .map_err(err)?;
            }
            Some(v) if v == SCHEMA_VERSION.to_string() => {}
            Some(v) if v == "1" => migrate_from_1(&conn).map_err(err)?,
            Some(v) => {
                return Err(CatalogError::UnsupportedVersion { path, found: v });
            }
        }
        Ok(Catalog { conn })
    }

    /// Every package, sorted by name.
    pub fn packages(&self) -> Result<Vec<PackageRow>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM packages ORDER BY name"))
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                let by_kind: String = r.get(23)?;
                let status = Status::parse(&r.get::<_, String>(11)?);
                Ok(PackageRow {
                    name: r.get(0)?,
                    path: r.get(1)?,
                    source: RowSource::parse(&r.get::<_, String>(2)?, status),
                    size: r.get::<_, i64>(3)? as u64,
                    mtime_ns: r.get(4)?,
                    fingerprint: r.get(5)?,
                    archive_sha256: r.get(6)?,
                    id: r.get(7)?,
                    stem: r.get(8)?,
                    provider: r.get(9)?,
                    title: r.get(10)?,
                    status,
                    files: r.get::<_, i64>(12)? as u64,
                    total_bytes: r.get::<_, i64>(13)? as u64,
                    course_resources: r.get::<_, i64>(14)? as u64,
                    videos: r.get::<_, i64>(15)? as u64,
                    video_ratio: r.get(16)?,
                    video_bytes_ratio: r.get(17)?,
                    threshold_percent: r.get::<_, i64>(18)? as u32,
                    errors: r.get::<_, i64>(19)? as u64,
                    warnings: r.get::<_, i64>(20)? as u64,
                    deadline: r.get(21)?,
                    error_text: r.get(22)?,
                    by_kind: serde_json::from_str(&by_kind).unwrap_or_default(),
                    report_file: r.get(24)?,
                    manifest_file: r.get(25)?,
                    html_file: r.get(26)?,
                    checked_at: r.get(27)?,
                    options_key: r.get(28)?,
                    tool_version: r.get(29)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    /// The resources of one package, sorted by path.
    pub fn resources(&self, package: &str) -> Result<Vec<ResourceRow>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT path, sha256, size, kind FROM resources WHERE package = ?1 ORDER BY path",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![package], |r| {
                Ok(ResourceRow {
                    path: r.get(0)?,
                    sha256: r.get(1)?,
                    size: r.get::<_, i64>(2)? as u64,
                    kind: kind_column(r, 3)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    /// Resources whose SHA-256 occurs in more than one package, with the
    /// package name, ignoring the given kinds and files below `min_size`.
    pub fn shared_resources(
        &self,
        ignore_kinds: &[&str],
        min_size: u64,
    ) -> Result<Vec<(String, ResourceRow)>, CatalogError> {
        let placeholders = vec!["?"; ignore_kinds.len()].join(", ");
        let filter = if ignore_kinds.is_empty() {
            String::new()
        } else {
            format!("AND kind NOT IN ({placeholders})")
        };
        let sql = format!(
            "SELECT package, path, sha256, size, kind FROM resources
             WHERE size >= ? {filter} AND sha256 IN (
                SELECT sha256 FROM resources WHERE size >= ? {filter}
                GROUP BY sha256 HAVING COUNT(DISTINCT package) > 1)
             ORDER BY sha256, package, path"
        );
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        for _ in 0..2 {
            values.push(rusqlite::types::Value::Integer(min_size as i64));
            values.extend(
                ignore_kinds
                    .iter()
                    .map(|k| rusqlite::types::Value::Text((*k).to_owned())),
            );
        }
        let mut stmt = self.conn.prepare(&sql).map_err(err)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ResourceRow {
                        path: r.get(1)?,
                        sha256: r.get(2)?,
                        size: r.get::<_, i64>(3)? as u64,
                        kind: kind_column(r, 4)?,
                    },
                ))
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    /// Record a package and its resources in one transaction, replacing
    /// whatever was recorded for it before.
    pub fn record(
        &mut self,
        row: &PackageRow,
        resources: &[ResourceRow],
    ) -> Result<(), CatalogError> {
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute("DELETE FROM packages WHERE name = ?1", params![row.name])
            .map_err(err)?;
        tx.execute(
            &format!(
                "INSERT INTO packages ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)"
            ),
            params![
                row.name,
                row.path,
                row.source.as_str(),
                row.size as i64,
                row.mtime_ns,
                row.fingerprint,
                row.archive_sha256,
                row.id,
                row.stem,
                row.provider,
                row.title,
                row.status.as_str(),
                row.files as i64,
                row.total_bytes as i64,
                row.course_resources as i64,
                row.videos as i64,
                row.video_ratio,
                row.video_bytes_ratio,
                i64::from(row.threshold_percent),
                row.errors as i64,
                row.warnings as i64,
                row.deadline,
                row.error_text,
                serde_json::to_string(&row.by_kind).unwrap_or_else(|_| "{}".to_owned()),
                row.report_file,
                row.manifest_file,
                row.html_file,
                row.checked_at,
                row.options_key,
                row.tool_version,
            ],
        )
        .map_err(err)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR REPLACE INTO resources (package, path, sha256, size, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(err)?;
            for r in resources {
                insert
                    .execute(params![
                        row.name,
                        r.path,
                        r.sha256,
                        r.size as i64,
                        r.kind.as_str()
                    ])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Point a package's row at its output files under a new stem.
    pub fn set_outputs(
        &mut self,
        name: &str,
        stem: &str,
        files: &[String; 3],
    ) -> Result<(), CatalogError> {
        self.conn
            .execute(
                "UPDATE packages SET stem = ?2, report_file = ?3, manifest_file = ?4, html_file = ?5 WHERE name = ?1",
                params![name, stem, files[0], files[1], files[2]],
            )
            .map(|_| ())
            .map_err(err)
    }

    /// Forget packages (and their resources).
    pub fn remove(&mut self, names: &[String]) -> Result<(), CatalogError> {
        let tx = self.conn.transaction().map_err(err)?;
        for name in names {
            tx.execute("DELETE FROM packages WHERE name = ?1", params![name])
                .map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}
