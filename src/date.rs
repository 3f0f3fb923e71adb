//! Dates as people write them in front-matter: `2025-11-04`, RFC 3339, Jekyll's
//! `2014-12-17 11:16:21 -0800`, YAML and TOML timestamps, Unix time in seconds or milliseconds
//! (Dendron, Foam). A time written without a zone is read in the site's `timezone`.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// The forms `Date::parse` accepts, for messages.
pub const ACCEPTED: &str = "write `2025-11-04`, `2025-11-04 09:30`, `2025-11-04T09:30:00+09:00` (a zone may be `Z`, \
                            `+09:00`, `+0900` or `+09`), or Unix time (`1730678400`, or milliseconds)";

/// Where a time without a zone happened: the site's `timezone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Zone {
    #[default]
    Utc,
    Fixed(i32),
    Named(chrono_tz::Tz),
}

impl Zone {
    /// An IANA name (`Asia/Seoul`), `UTC`, or an offset (`+09:00`).
    pub fn parse(text: &str) -> Option<Zone> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("utc") || text == "Z" {
            return Some(Zone::Utc);
        }
        if let Some(seconds) = offset_seconds(text) {
            return Some(Zone::Fixed(seconds));
        }
        text.parse::<chrono_tz::Tz>().ok().map(Zone::Named)
    }

    /// Today's date in this zone, as `2025-11-04`: the date of a new brief.
    pub fn today(self) -> String {
        let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
        let date = match self {
            Zone::Utc => now.date_naive(),
            Zone::Fixed(seconds) => {
                FixedOffset::east_opt(seconds).map_or(now.date_naive(), |z| now.with_timezone(&z).date_naive())
            }
            Zone::Named(tz) => now.with_timezone(&tz).date_naive(),
        };
        date.format("%Y-%m-%d").to_string()
    }

    /// The time `local` in this zone. A time skipped by a clock change is read an hour later;
    /// one that happens twice, the first time.
    fn at(self, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        let fixed = |seconds: i32| FixedOffset::east_opt(seconds)?.from_local_datetime(&local).single();
        match self {
            Zone::Utc => fixed(0),
            Zone::Fixed(seconds) => fixed(seconds),
            Zone::Named(tz) => {
                let resolved = match tz.from_local_datetime(&local) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t),
                    LocalResult::None => tz.from_local_datetime(&(local + chrono::Duration::hours(1))).earliest(),
                };
                resolved.map(|t| t.fixed_offset())
            }
        }
    }
}

/// The months' English names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date, with its time if one was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub datetime: DateTime<FixedOffset>,
    pub has_time: bool,
}

impl Date {
    /// Reads a date in one of the `ACCEPTED` forms; `zone` places a time written without one.
    pub fn parse(text: &str, zone: Zone) -> Option<Date> {
        // Years 0 to 9999 only: HTML, Atom and sitemaps cannot write others.
        Date::parse_any(text, zone).filter(|d| (0..=9999).contains(&d.datetime.year()))
    }

    fn parse_any(text: &str, zone: Zone) -> Option<Date> {
        let text = text.trim();
        if text.len() >= 9 && text.bytes().all(|b| b.is_ascii_digit()) {
            return unix(text);
        }
        let (date, rest) = (text.get(..10)?, &text[10..]);
        let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        if date.as_bytes()[4] != b'-' || date.as_bytes()[7] != b'-' {
            return None;
        }
        if rest.is_empty() {
            return Some(Date { datetime: zone.at(day.and_time(NaiveTime::MIN))?, has_time: false });
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?.trim_start();
        // The time runs to the first character that starts a zone.
        let time_end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(rest.len());
        let time = parse_time(&rest[..time_end])?;
        let local = day.and_time(time);
        let datetime = match rest[time_end..].trim_start() {
            "" => zone.at(local)?,
            "Z" | "z" => Zone::Utc.at(local)?,
            offset => Zone::Fixed(offset_seconds(offset)?).at(local)?,
        };
        Some(Date { datetime, has_time: true })
    }

    /// `2025-11-04`
    pub fn ymd(&self) -> String {
        let d = self.datetime;
        // Written by hand: chrono's format strings are parsed on every call, once per card and page.
        if (0..=9999).contains(&d.year()) {
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }

    /// RFC 3339, for `<time datetime>`, feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        self.datetime.to_rfc3339()
    }

    /// `4 November 2025`
    /// The date as a reader of `lang` writes it: `2025년 11월 5일` in Korean, `2025年11月5日` in
    /// Japanese and Chinese, else `5 November 2025`.
    pub fn display_in(&self, lang: &str) -> String {
        let d = self.datetime;
        match lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase().as_str() {
            "ko" => format!("{}년 {}월 {}일", d.year(), d.month(), d.day()),
            "ja" | "zh" => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            _ => self.display(),
        }
    }

    pub fn display(&self) -> String {
        let d = self.datetime;
        if (0..=9999).contains(&d.year()) {
            format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
        } else {
            d.format("%-d %B %Y").to_string()
        }
    }
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction`.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let (hms, fraction) = text.split_once('.').unwrap_or((text, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let number = |s: &str| (s.len() == 2).then(|| s.parse::<u32>().ok()).flatten();
    let (h, m, s) = match parts[..] {
        [h, m] => (number(h)?, number(m)?, 0),
        [h, m, s] => (number(h)?, number(m)?, number(s)?),
        _ => return None,
    };
    let nanos = match fraction {
        "" if !text.ends_with('.') => 0,
        f if (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32)
        }
        _ => return None,
    };
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// `+09:00`, `+0900` or `+09` (and `-`), in seconds east of UTC.
fn offset_seconds(text: &str) -> Option<i32> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = &text[1..];
    let two = |s: &str| (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<i32>().ok())?;
    let (h, m) = match digits.len() {
        2 => (two(digits)?, 0),
        4 => (two(&digits[..2])?, two(&digits[2..])?),
        5 if digits.as_bytes()[2] == b':' => (two(&digits[..2])?, two(&digits[3..])?),
        _ => return None,
    };
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Unix time: seconds, or milliseconds when above 10^11 (the year 5138 in seconds).
fn unix(digits: &str) -> Option<Date> {
    let n: i64 = digits.parse().ok()?;
    let datetime =
        if n > 100_000_000_000 { DateTime::from_timestamp_millis(n)? } else { DateTime::from_timestamp(n, 0)? };
    Some(Date { datetime: datetime.fixed_offset(), has_time: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        Date::parse(text, Zone::Utc).map(|d| d.rfc3339())
    }

    /// Every accepted form, and what it means.
    #[test]
    fn accepted_forms() {
        let table = [
            ("2025-11-04", "2025-11-04T00:00:00+00:00"),
            (" 2025-11-04 ", "2025-11-04T00:00:00+00:00"),
            ("2025-11-04T09:00:00+09:00", "2025-11-04T09:00:00+09:00"),
            ("2025-11-04t09:00:00z", "2025-11-04T09:00:00+00:00"),
            ("2025-11-04T09:00:00Z", "2025-11-04T09:00:00+00:00"),
            ("2025-11-04 09:30", "2025-11-04T09:30:00+00:00"),
            ("2025-11-04T09:30", "2025-11-04T09:30:00+00:00"),
            ("2025-11-04 09:30:15", "2025-11-04T09:30:15+00:00"),
            ("2025-11-04 09:30:15.5", "2025-11-04T09:30:15.500+00:00"),
            ("2025-11-04 09:30:15.123456789Z", "2025-11-04T09:30:15.123456789+00:00"),
            ("2014-12-17 11:16:21 -0800", "2014-12-17T11:16:21-08:00"),
            ("2018-04-19 16:07:00 +0100", "2018-04-19T16:07:00+01:00"),
            ("2018-04-19 16:07:00+01", "2018-04-19T16:07:00+01:00"),
            ("2018-04-19 16:07 -03:30", "2018-04-19T16:07:00-03:30"),
            ("1653409628830", "2022-05-24T16:27:08.830+00:00"),
            ("1730678400", "2024-11-04T00:00:00+00:00"),
            ("100000000", "1973-03-03T09:46:40+00:00"),
        ];
        for (text, expected) in table {
            assert_eq!(at(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejected_forms() {
        for text in [
            "",
            "2025",
            "2025-13-45",
            "2025-02-30",
            "25-11-04",
            "2025/11/04",
            "04.11.2025",
            "November 4, 2025",
            "2025-11-04 9:30",
            "2025-11-04 25:00",
            "2025-11-04 09:60",
            "2025-11-04 09:30:15.",
            "2025-11-04 09:30 +9",
            "2025-11-04 09:30 +24:00",
            "2025-11-04 09:30 PST",
            "2025-11-04T",
            "2025-11-04x",
            "12345678",
            "99999999999999999999999",
            "-1730678400",
            "253402300800000",
            "10000-01-01",
            "2025-11-04 09:30:15:00",
        ] {
            assert_eq!(at(text), None, "{text:?}");
        }
    }

    #[test]
    fn times_without_a_zone_are_read_in_the_sites_zone() {
        let seoul = Zone::parse("Asia/Seoul").unwrap();
        let d = Date::parse("2025-11-04 09:00", seoul).unwrap();
        assert_eq!(d.rfc3339(), "2025-11-04T09:00:00+09:00");
        // A date alone starts at midnight there.
        assert_eq!(Date::parse("2025-11-04", seoul).unwrap().rfc3339(), "2025-11-04T00:00:00+09:00");
        // A written zone wins.
        assert_eq!(Date::parse("2025-11-04 09:00Z", seoul).unwrap().rfc3339(), "2025-11-04T09:00:00+00:00");
        let fixed = Zone::parse("-05:00").unwrap();
        assert_eq!(Date::parse("2025-11-04 09:00", fixed).unwrap().rfc3339(), "2025-11-04T09:00:00-05:00");
        // New York skips 02:30 on 9 March 2025 and has 01:30 twice on 2 November.
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(Date::parse("2025-03-09 02:30", ny).unwrap().rfc3339(), "2025-03-09T03:30:00-04:00");
        assert_eq!(Date::parse("2025-11-02 01:30", ny).unwrap().rfc3339(), "2025-11-02T01:30:00-04:00");
        assert_eq!(Zone::parse("UTC"), Some(Zone::Utc));
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        assert_eq!(Zone::parse("+25:00"), None);
    }

    #[test]
    fn dates_are_written_as_chrono_would() {
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        while day.year() < 2031 {
            let date = Date::parse(&day.format("%Y-%m-%d").to_string(), Zone::Utc).unwrap();
            assert_eq!(date.ymd(), date.datetime.format("%Y-%m-%d").to_string());
            assert_eq!(date.display(), date.datetime.format("%-d %B %Y").to_string());
            day = day.succ_opt().unwrap();
        }
    }
}
