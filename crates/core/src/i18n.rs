//! The two languages of every message, and which one a user sees.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// A message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            zh: zh.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.zh)
    }
}

/// A message that has only an English text so far: shown as is in both
/// languages (tests/no_english_zh.rs finds any that reach a Chinese user).
impl From<String> for Text {
    fn from(en: String) -> Text {
        Text { zh: en.clone(), en }
    }
}

impl From<crate::error::Error> for Text {
    fn from(e: crate::error::Error) -> Text {
        e.text()
    }
}
