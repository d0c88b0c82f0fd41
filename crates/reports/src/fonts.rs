//! The bundled fonts (Liberation Serif and Sans 2.1.5, SIL OFL 1.1; see
//! `report-templates/fonts/`), compiled into the binary so that a document never depends on the
//! fonts of the machine it is printed on.

use crate::markup::FontName;

/// The four faces of a family: regular, bold, italic, bold italic.
pub struct Faces {
    /// PostScript names, in the order of `data`.
    pub names: [&'static str; 4],
    pub data: [&'static [u8]; 4],
}

macro_rules! face {
    ($file:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../report-templates/fonts/",
            $file
        ))
    };
}

pub static SERIF: Faces = Faces {
    names: [
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    ],
    data: [
        face!("LiberationSerif-Regular.ttf"),
        face!("LiberationSerif-Bold.ttf"),
        face!("LiberationSerif-Italic.ttf"),
        face!("LiberationSerif-BoldItalic.ttf"),
    ],
};

pub static SANS: Faces = Faces {
    names: [
        "LiberationSans",
        "LiberationSans-Bold",
        "LiberationSans-Italic",
        "LiberationSans-BoldItalic",
    ],
    data: [
        face!("LiberationSans-Regular.ttf"),
        face!("LiberationSans-Bold.ttf"),
        face!("LiberationSans-Italic.ttf"),
        face!("LiberationSans-BoldItalic.ttf"),
    ],
};

pub fn faces(font: FontName) -> &'static Faces {
    match font {
        FontName::Serif => &SERIF,
        FontName::Sans => &SANS,
    }
}

/// The genpdfi font family of `faces`.
pub fn family(
    faces: &Faces,
) -> Result<genpdfi::fonts::FontFamily<genpdfi::fonts::FontData>, genpdfi::error::Error> {
    let face = |i: usize| genpdfi::fonts::FontData::new(faces.data[i].to_vec(), None);
    Ok(genpdfi::fonts::FontFamily {
        regular: face(0)?,
        bold: face(1)?,
        italic: face(2)?,
        bold_italic: face(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every face has every letter of the Russian alphabet and the signs Russian documents use.
    #[test]
    fn every_face_covers_russian_text() {
        let needed: String = ('А'..='я')
            .chain(['Ё', 'ё', '№', '«', '»', '—', '–', '…', '\u{a0}'])
            .collect();
        for faces in [&SERIF, &SANS] {
            for (i, data) in faces.data.iter().enumerate() {
                let font = genpdfi::fonts::FontData::new(data.to_vec(), None).unwrap();
                let coverage = font.check_coverage(&needed);
                assert!(
                    coverage.is_complete(),
                    "{} lacks {:?}",
                    faces.names[i],
                    coverage.missing_chars()
                );
            }
        }
    }
}
