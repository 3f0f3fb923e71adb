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
        self.today_date().format("%Y-%m-%d").to_string()
    }

    /// Today in this zone, as a day: what review dates and embargoes are compared with.
    pub fn today_date(self) -> NaiveDate {
        let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
        match self {
            Zone::Utc => now.date_naive(),
            Zone::Fixed(seconds) => {
                FixedOffset::east_opt(seconds).map_or(now.date_naive(), |z| now.with_timezone(&z).date_naive())
            }
            Zone::Named(tz) => now.with_timezone(&tz).date_naive(),
        }
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

/// A date known to a year, a month or a day (`2014`, `2014-10`, `2014-10-23`): when an event
/// happened. It sorts at its start; on a tie the coarser first (`2014` < `2014-01` <
/// `2014-01-01`), which orders any mix of precisions the way a calendar does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

/// The forms `PartialDate::parse` accepts, for messages.
pub const PARTIAL_ACCEPTED: &str = "write a year (`2014`), a month (`2014-10`) or a day (`2014-10-23`)";

impl PartialDate {
    /// `2014`, `2014-10`, `2014-10-23`, or any form `Date::parse` accepts (read as its day).
    pub fn parse(text: &str, zone: Zone) -> Option<PartialDate> {
        let text = text.trim();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = text.split('-').collect();
        let date = match parts[..] {
            [y] if digits(y, 4) => PartialDate { year: y.parse().ok()?, month: None, day: None },
            [y, m] if digits(y, 4) && digits(m, 2) => {
                let month = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                PartialDate { year: y.parse().ok()?, month: Some(month), day: None }
            }
            _ => {
                let d = Date::parse(text, zone)?.datetime;
                PartialDate { year: d.year(), month: Some(d.month()), day: Some(d.day()) }
            }
        };
        Some(date)
    }

    /// The first day it covers.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)).unwrap_or_default()
    }

    /// The day after the last day it covers.
    pub fn end_exclusive(&self) -> NaiveDate {
        let start = self.start();
        match (self.month, self.day) {
            (_, Some(_)) => start.succ_opt().unwrap_or(start),
            (Some(_), None) => start.checked_add_months(chrono::Months::new(1)).unwrap_or(start),
            (None, None) => start.checked_add_months(chrono::Months::new(12)).unwrap_or(start),
        }
    }

    /// 0 for a year, 1 for a month, 2 for a day.
    pub fn precision(&self) -> u8 {
        match (self.month, self.day) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => 2,
        }
    }

    /// As written in ISO 8601, for `<time datetime>`: `2014`, `2014-10`, `2014-10-23`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (None, _) => format!("{:04}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
        }
    }

    /// As a reader of `lang` writes it, at its precision: `2014`, `October 2014`, `23 October
    /// 2014`; `2014년 10월`, `2014년 10월 23일`.
    pub fn display_in(&self, lang: &str) -> String {
        let (y, month, day) = (self.year, self.month, self.day);
        match (lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase().as_str(), month, day) {
            (_, None, _) => y.to_string(),
            ("ko", Some(m), None) => format!("{y}년 {m}월"),
            ("ko", Some(m), Some(d)) => format!("{y}년 {m}월 {d}일"),
            ("ja" | "zh", Some(m), None) => format!("{y}年{m}月"),
            ("ja" | "zh", Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
            (_, Some(m), None) => format!("{} {y}", MONTHS[(m - 1) as usize]),
            (_, Some(m), Some(d)) => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
        }
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start(), self.precision()).cmp(&(other.start(), other.precision()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A span of calendar time, `6 months`: how often a brief is to be reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Days(u32),
    Months(u32),
}

/// The forms `Period::parse` accepts, for messages.
pub const PERIOD_ACCEPTED: &str = "write a number and a unit: `90 days`, `6 weeks`, `6 months` or `1 year`";

impl Period {
    /// `N day(s)|week(s)|month(s)|year(s)`, N from 1 to 10,000.
    pub fn parse(text: &str) -> Option<Period> {
        let mut words = text.split_whitespace();
        let n: u32 = words.next()?.parse().ok().filter(|n| (1..=10_000).contains(n))?;
        let unit = words.next()?.to_ascii_lowercase();
        if words.next().is_some() {
            return None;
        }
        match unit.trim_end_matches('s') {
            "day" => Some(Period::Days(n)),
            "week" => Some(Period::Days(n * 7)),
            "month" => Some(Period::Months(n)),
            "year" => Some(Period::Months(n * 12)),
            _ => None,
        }
    }

    /// The day this long after `from`.
    pub fn after(&self, from: NaiveDate) -> NaiveDate {
        match *self {
            Period::Days(n) => from.checked_add_days(chrono::Days::new(n.into())),
            Period::Months(n) => from.checked_add_months(chrono::Months::new(n)),
        }
        .unwrap_or(NaiveDate::MAX)
    }
}

impl Date {
    /// Its day, in the zone it was written in.
    pub fn day(&self) -> NaiveDate {
        self.datetime.date_naive()
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

    #[test]
    fn partial_dates_read_and_write_at_their_precision() {
        let p = |t: &str| PartialDate::parse(t, Zone::Utc);
        assert_eq!(p("2014").unwrap().iso(), "2014");
        assert_eq!(p("2014-10").unwrap().iso(), "2014-10");
        assert_eq!(p("2014-10-23").unwrap().iso(), "2014-10-23");
        assert_eq!(p("2014-10-23 09:30").unwrap().iso(), "2014-10-23");
        for bad in ["", "14", "2014-13", "2014-1", "2014-10-32", "October 2014", "2014-00", "20145"] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
        assert_eq!(p("2014-10").unwrap().display_in("en"), "October 2014");
        assert_eq!(p("2014-10").unwrap().display_in("ko"), "2014년 10월");
        assert_eq!(p("2014-10-23").unwrap().display_in("ko"), "2014년 10월 23일");
        assert_eq!(p("2014-10-03").unwrap().display_in("en"), "3 October 2014");
        assert_eq!(p("2014").unwrap().display_in("ko"), "2014");
        assert!(p("2014").unwrap() < p("2014-01").unwrap());
        assert!(p("2014-01").unwrap() < p("2014-01-01").unwrap());
        assert!(p("2014-12-31").unwrap() < p("2015").unwrap());
        assert!(p("2014-02").unwrap() > p("2014-01-31").unwrap());
    }

    #[test]
    fn periods() {
        assert_eq!(Period::parse("6 months"), Some(Period::Months(6)));
        assert_eq!(Period::parse("1 year"), Some(Period::Months(12)));
        assert_eq!(Period::parse("2 weeks"), Some(Period::Days(14)));
        assert_eq!(Period::parse(" 90  Days "), Some(Period::Days(90)));
        for bad in ["", "months", "0 days", "-1 days", "6", "6 fortnights", "six months", "6 months ago"] {
            assert_eq!(Period::parse(bad), None, "{bad:?}");
        }
        let day = NaiveDate::from_ymd_opt(2025, 8, 31).unwrap();
        assert_eq!(Period::Months(6).after(day), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
    }

    proptest::proptest! {
        /// Any mix of years, months and days sorts as the calendar does: by the day each starts,
        /// the coarser first on a tie; and the order is total (a sort of any permutation agrees).
        #[test]
        fn partial_dates_sort_as_the_calendar(dates in proptest::collection::vec((1990i32..2030, 0u32..13, 0u32..29), 1..40)) {
            let dates: Vec<PartialDate> = dates.into_iter().map(|(year, m, d)| PartialDate {
                year,
                month: (m > 0).then_some(m),
                day: (m > 0 && d > 0).then_some(d),
            }).collect();
            let mut sorted = dates.clone();
            sorted.sort();
            let mut reversed: Vec<PartialDate> = dates.iter().rev().copied().collect();
            reversed.sort();
            proptest::prop_assert_eq!(&sorted, &reversed);
            for pair in sorted.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                proptest::prop_assert!(a.start() <= b.start());
                if a.start() == b.start() {
                    proptest::prop_assert!(a.precision() <= b.precision());
                }
                // What a day lies within never comes after it.
                if b.precision() == 2 && a.start() <= b.start() && b.start() < a.end_exclusive() {
                    proptest::prop_assert!(a <= b);
                }
                proptest::prop_assert!(a.iso().len() <= 10);
            }
        }
    }
}
