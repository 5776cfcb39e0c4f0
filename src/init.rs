//! `trainpack init`: write a skeleton descriptor into a package folder.

use crate::descriptor::{Contact, Descriptor, FILE_NAME};

/// Write a skeleton `training-package.json` into a package folder, filled
/// with what can be inferred: the id and title from the folder name (or its
/// single top-level folder), and the dates left for the provider to fill.
pub fn init(
    folder: &std::path::Path,
    force: bool,
) -> Result<std::path::PathBuf, crate::i18n::Text> {
    use crate::i18n::Text;
    if !folder.is_dir() {
        return Err(Text::new(
            format!(
                "{}: not a folder; `trainpack init` writes the descriptor into a package folder (unzip a zip package first)",
                folder.display()
            ),
            format!(
                "{}：不是文件夹；`trainpack init` 把描述文件写入包文件夹（zip 包请先解压）",
                folder.display()
            ),
        ));
    }
    let target = folder.join(FILE_NAME);
    if target.exists() && !force {
        return Err(Text::new(
            format!(
                "{}: already exists; use --force to replace it",
                target.display()
            ),
            format!("{}：已存在；如要替换，请加 --force", target.display()),
        ));
    }
    let canonical = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned());
    let name = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "package".to_owned());
    // A package is often one course folder inside the package folder.
    let dirs: Vec<String> = std::fs::read_dir(folder)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.') && n != "__MACOSX")
                .collect()
        })
        .unwrap_or_default();
    let title = match dirs.as_slice() {
        [only] => only.clone(),
        _ => name.clone(),
    };
    let skeleton = Descriptor {
        id: Some(name),
        title: Some(title),
        provider: Some(String::new()),
        project: Some(String::new()),
        sub_project: Some(String::new()),
        start_date: None,
        end_date: None,
        contact: Some(Contact {
            name: Some(String::new()),
            phone: Some(String::new()),
            email: Some(String::new()),
        }),
        audit: None,
    };
    let mut value = serde_json::to_value(&skeleton).map_err(|e| Text::from(e.to_string()))?;
    // Dates are left as placeholders the provider must replace; the loader
    // refuses them until then, so a forgotten field is noticed.
    value["start_date"] = serde_json::json!("YYYY-MM-DD");
    value["end_date"] = serde_json::json!("YYYY-MM-DD");
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| Text::from(e.to_string()))?;
    text.push('\n');
    crate::atomic::write(&target, text.as_bytes()).map_err(|e| {
        Text::from(crate::error::Error::Unwritable {
            path: target.clone(),
            source: e,
        })
    })?;
    Ok(target)
}
