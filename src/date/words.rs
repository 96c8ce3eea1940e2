//! The words of dates: month names and their abbreviations in 17 languages, the
//! weekday and filler words a date may carry (`Saturday`, `at`, `updated`), and time
//! zone names and abbreviations with their offsets.

/// Month names and their abbreviations in English and the common European languages
/// (German, French, Spanish, Portuguese, Italian, Dutch, the Scandinavian languages,
/// Polish, Czech, Hungarian, Turkish, Indonesian, Finnish, Russian), lower-case, with the
/// month they name. Inflected forms (Polish, Czech, Russian genitives) are listed too.
pub const MONTH_NAMES: &[(&str, i8)] = &[
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // German (and Austrian)
    ("januar", 1),
    ("jänner", 1),
    ("jaenner", 1),
    ("februar", 2),
    ("feber", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fevr", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    // Spanish
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("abr", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("ago", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("fev", 2),
    ("março", 3),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("set", 9),
    ("outubro", 10),
    ("out", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Italian
    ("gennaio", 1),
    ("gen", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("mag", 5),
    ("giugno", 6),
    ("giu", 6),
    ("luglio", 7),
    ("lug", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("ott", 10),
    ("dicembre", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mrt", 3),
    ("mei", 5),
    ("augustus", 8),
    // Swedish, Danish, Norwegian
    ("marts", 3),
    ("maj", 5),
    ("augusti", 8),
    ("desember", 12),
    // Polish (nominative and genitive)
    ("styczeń", 1),
    ("stycznia", 1),
    ("luty", 2),
    ("lutego", 2),
    ("marzec", 3),
    ("marca", 3),
    ("kwiecień", 4),
    ("kwietnia", 4),
    ("maja", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("sierpień", 8),
    ("sierpnia", 8),
    ("wrzesień", 9),
    ("września", 9),
    ("październik", 10),
    ("października", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("grudzień", 12),
    ("grudnia", 12),
    // Czech (genitive)
    ("ledna", 1),
    ("února", 2),
    ("března", 3),
    ("dubna", 4),
    ("května", 5),
    ("června", 6),
    ("července", 7),
    ("srpna", 8),
    ("září", 9),
    ("října", 10),
    ("prosince", 12),
    // Hungarian
    ("január", 1),
    ("február", 2),
    ("március", 3),
    ("április", 4),
    ("május", 5),
    ("június", 6),
    ("július", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("október", 10),
    // Turkish
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
    // Turkish in capitals lower-cases with a dotted i (`KASIM` -> `kasim`)
    ("subat", 2),
    ("mayis", 5),
    ("agustos", 8),
    ("eylul", 9),
    ("kasim", 11),
    ("aralik", 12),
    // Indonesian
    ("maret", 3),
    ("agustus", 8),
    // Romanian
    ("ianuarie", 1),
    ("februarie", 2),
    ("martie", 3),
    ("aprilie", 4),
    ("iunie", 6),
    ("iulie", 7),
    ("septembrie", 9),
    ("octombrie", 10),
    ("noiembrie", 11),
    ("decembrie", 12),
    // Finnish (partitive, as in "5. maaliskuuta 2019")
    ("tammikuuta", 1),
    ("helmikuuta", 2),
    ("maaliskuuta", 3),
    ("huhtikuuta", 4),
    ("toukokuuta", 5),
    ("kesäkuuta", 6),
    ("heinäkuuta", 7),
    ("elokuuta", 8),
    ("syyskuuta", 9),
    ("lokakuuta", 10),
    ("marraskuuta", 11),
    ("joulukuuta", 12),
    // Russian (genitive)
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
];

/// The month a word names (lower-case, a trailing `.` removed), in any language of
/// [`MONTH_NAMES`]; English names may also be cut short (`Sept`, `Febr`).
pub fn month_from_word(w: &str) -> Option<i8> {
    let w = w.trim_end_matches('.');
    if let Some((_, m)) = MONTH_NAMES.iter().find(|(name, _)| *name == w) {
        return Some(*m);
    }
    const ENGLISH: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w.chars().count() < 3 {
        return None;
    }
    ENGLISH
        .iter()
        .position(|m| m.starts_with(w))
        .map(|i| i as i8 + 1)
}

pub(crate) fn is_ignored_word(w: &str) -> bool {
    const WEEKDAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    if w.len() >= 3 && WEEKDAYS.iter().any(|d| d.starts_with(w)) {
        return true;
    }
    // Weekdays and the little words around dates in other languages.
    const OTHER: &[&str] = &[
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "mo",
        "di",
        "mi",
        "do",
        "fr",
        "sa",
        "so",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
        "de",
        "del",
        "le",
        "am",
        "um",
        "uhr",
        "à",
        "a",
        "las",
        "el",
        "den",
        "der",
        "e",
        "h",
        "o",
        "às",
        "alle",
        "ore",
        "op",
        "kl",
        "klo",
        "le",
        "du",
    ];
    OTHER.contains(&w)
        || matches!(
            w,
            "tues"
                | "thur"
                | "thurs"
                | "at"
                | "on"
                | "of"
                | "the"
                | "t"
                | "st"
                | "nd"
                | "rd"
                | "th"
        )
}

/// Offset in seconds east of UTC for the zone names mail and news commonly carry.
pub(crate) fn zone_offset(w: &str) -> Option<i32> {
    let hours = match w {
        "z" | "utc" | "gmt" | "ut" | "wet" => 0,
        "est" => -5,
        "edt" => -4,
        "cst" => -6,
        "cdt" => -5,
        "mst" => -7,
        "mdt" => -6,
        "pst" => -8,
        "pdt" => -7,
        "akst" => -9,
        "akdt" => -8,
        "hst" => -10,
        "bst" | "cet" | "met" | "mez" | "west" => 1,
        "cest" | "mest" | "mesz" | "eet" => 2,
        "eest" | "msk" => 3,
        "jst" | "kst" => 9,
        "aest" => 10,
        "aedt" => 11,
        "nzst" => 12,
        "nzdt" => 13,
        _ => return None,
    };
    Some(hours * 3600)
}

/// US zones written without standard/daylight (`Mar 9, 2017, 6:16 PM ET`): the IANA
/// zone, and its standard offset for machines without a time zone database.
pub(crate) fn zone_region(w: &str) -> Option<(&'static str, i32)> {
    Some(match w {
        "et" => ("America/New_York", -5 * 3600),
        "ct" => ("America/Chicago", -6 * 3600),
        "mt" => ("America/Denver", -7 * 3600),
        "pt" => ("America/Los_Angeles", -8 * 3600),
        _ => return None,
    })
}

pub(crate) fn is_zone_word(w: &str) -> bool {
    zone_offset(w).is_some() || zone_region(w).is_some()
}
