//! BagIt (RFC 8493): writing bags and validating bags made by any tool.

mod tag_lines;
pub mod validate;
pub mod write;
