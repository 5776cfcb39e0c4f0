//! BagIt (RFC 8493): writing bags and validating bags made by any tool.

pub mod validate;
pub mod write;
