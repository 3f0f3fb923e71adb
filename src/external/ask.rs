//! Asking the hosts: a queue that lets each host take turns (at most two requests at a time to
//! one), `HEAD` then `GET`, and what each answer or error means for a URL: alive, dead, or not
//! checked this time.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use super::{host_of, now, request_uri, Answer, ExternalOptions, Status, STOP};

/// Asks every URL, `options.concurrency` at a time and `options.per_host` at a time per host.
/// Returns the answers, and whether Ctrl-C stopped the run (then some URLs have none).
pub(super) fn ask_all(urls: Vec<String>, options: &ExternalOptions) -> (HashMap<String, Answer>, bool) {
    let mut answers = HashMap::new();
    if urls.is_empty() {
        return (answers, false);
    }
    let total = urls.len();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(options.timeout))
        .max_redirects(10)
        .save_redirect_history(true)
        .user_agent(options.user_agent.as_str())
        .build()
        .into();
    let queue = Arc::new(Queue::new(urls, options.per_host));
    let (send, receive) = mpsc::channel();
    // The workers are not joined: on Ctrl-C the answers so far are reported at once, and a
    // request under way ends with the process.
    for _ in 0..options.concurrency.clamp(1, total) {
        let (queue, send, agent, timeout) = (queue.clone(), send.clone(), agent.clone(), options.timeout);
        std::thread::spawn(move || {
            while let Some((url, host)) = queue.take() {
                let answer = ask(&agent, &url, timeout);
                queue.done(&host);
                if send.send((url, answer)).is_err() {
                    break;
                }
            }
        });
    }
    drop(send);
    let mut interrupted = false;
    while answers.len() < total {
        if STOP.load(Ordering::Relaxed) {
            interrupted = true;
            queue.close();
            break;
        }
        match receive.recv_timeout(Duration::from_millis(100)) {
            Ok((url, answer)) => {
                answers.insert(url, answer);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    (answers, interrupted)
}

/// The URLs still to ask, by host, and the requests under way per host.
struct Queue {
    state: Mutex<QueueState>,
    changed: Condvar,
    per_host: usize,
}

#[derive(Default)]
struct QueueState {
    /// Hosts with URLs to ask, the one served last at the back.
    hosts: VecDeque<String>,
    pending: HashMap<String, VecDeque<String>>,
    busy: HashMap<String, usize>,
    closed: bool,
}

impl Queue {
    fn new(urls: Vec<String>, per_host: usize) -> Queue {
        let mut state = QueueState::default();
        for url in urls {
            let host = host_of(&url);
            let list = state.pending.entry(host.clone()).or_default();
            if list.is_empty() {
                state.hosts.push_back(host);
            }
            list.push_back(url);
        }
        Queue { state: Mutex::new(state), changed: Condvar::new(), per_host: per_host.max(1) }
    }

    /// The next URL of a host with room (hosts taking turns), waiting while every host with URLs
    /// left is busy; `None` when nothing is left.
    fn take(&self) -> Option<(String, String)> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.closed || state.hosts.is_empty() {
                return None;
            }
            let free = state.hosts.iter().position(|h| state.busy.get(h).copied().unwrap_or(0) < self.per_host);
            if let Some(i) = free {
                let host = state.hosts.remove(i).unwrap_or_default();
                let list = state.pending.get_mut(&host).map(|l| (l.pop_front(), l.is_empty()));
                let Some((Some(url), emptied)) = list else { continue };
                if emptied {
                    state.pending.remove(&host);
                } else {
                    state.hosts.push_back(host.clone());
                }
                *state.busy.entry(host.clone()).or_default() += 1;
                return Some((url, host));
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn done(&self, host: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = state.busy.get_mut(host) {
            *n = n.saturating_sub(1);
        }
        drop(state);
        self.changed.notify_all();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.changed.notify_all();
    }
}

/// What one request found.
enum Reply {
    /// The final status, and the URL that gave it when a redirect led elsewhere.
    Status(u16, Option<String>),
    Failed(ureq::Error),
}

fn send(agent: &ureq::Agent, method: &str, uri: &str) -> Reply {
    use ureq::ResponseExt;
    let result = match method {
        "HEAD" => agent.head(uri).call(),
        _ => agent.get(uri).call(),
    };
    match result {
        Ok(response) => {
            let redirected = response.get_redirect_history().is_some_and(|h| h.len() > 1);
            let moved = redirected.then(|| response.get_uri().to_string());
            // The body is never read: only the status matters.
            Reply::Status(response.status().as_u16(), moved)
        }
        Err(e) => Reply::Failed(e),
    }
}

/// Asks one URL: `HEAD`, then `GET` unless `HEAD` settled it (alive; an unknown host or a
/// refused connection; a timeout or 429, which a second request would only prolong).
fn ask(agent: &ureq::Agent, url: &str, timeout: Duration) -> Answer {
    if !host_of(url).is_ascii() {
        // Its ASCII form (punycode) is not made here: a lookup of the name as written would fail
        // and call a good link dead.
        let detail = "has a host name in letters outside ASCII (an IDN), which is not checked".to_string();
        return Answer { status: Status::Unchecked, detail, at: now(), unreachable: false, responded: false };
    }
    let uri = request_uri(url);
    let head = send(agent, "HEAD", &uri);
    let settled = match &head {
        Reply::Status(code, _) => (200..400).contains(code) || *code == 429,
        Reply::Failed(e) => {
            is_unreachable(e) || is_timeout(e) || matches!(e, ureq::Error::BadUri(_) | ureq::Error::Http(_))
        }
    };
    let reply = if settled { head } else { send(agent, "GET", &uri) };
    let (status, detail) = match &reply {
        Reply::Status(code, moved) => judge_status(*code, moved.as_deref()),
        Reply::Failed(e) => judge_error(e, timeout),
    };
    let unreachable = matches!(&reply, Reply::Failed(e) if is_unreachable(e));
    let responded = matches!(reply, Reply::Status(..));
    Answer { status, detail, at: now(), unreachable, responded }
}

fn status_text(code: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(code).ok().and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

fn judge_status(code: u16, moved: Option<&str>) -> (Status, String) {
    let answered = match moved {
        Some(to) => format!("redirects to `{to}`, which answered {}", status_text(code)),
        None => format!("answered {}", status_text(code)),
    };
    let status = match code {
        200..=399 => Status::Alive,
        404 | 410 => Status::Dead,
        // 429, 5xx, and other refusals (401, 403 to robots) say nothing of the page.
        _ => Status::Unchecked,
    };
    (status, answered)
}

/// The host does not exist or refuses connections.
fn is_unreachable(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::HostNotFound => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::ConnectionRefused || no_such_host(io),
        _ => false,
    }
}

/// The resolver's answer that a name does not exist (`getaddrinfo`'s "Name or service not
/// known", "No address associated with hostname", "nodename nor servname provided"), as the
/// standard library reports it: an error of no particular kind. "Temporary failure in name
/// resolution" says nothing of the name.
fn no_such_host(io: &std::io::Error) -> bool {
    let text = io.to_string();
    text.contains("failed to lookup address information") && !text.contains("Temporary failure")
}

fn is_timeout(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
        _ => false,
    }
}

fn judge_error(e: &ureq::Error, timeout: Duration) -> (Status, String) {
    match e {
        ureq::Error::HostNotFound => (Status::Dead, "names a host that does not exist (no DNS record)".into()),
        ureq::Error::Io(io) if no_such_host(io) => {
            (Status::Dead, "names a host that does not exist (no DNS record)".into())
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            (Status::Dead, "refused the connection".into())
        }
        ureq::Error::TooManyRedirects => (Status::Dead, "redirects too many times (a redirect loop?)".into()),
        ureq::Error::BadUri(why) => (Status::Dead, format!("is not a valid URL ({why})")),
        ureq::Error::Http(why) => (Status::Dead, format!("is not a valid URL ({why})")),
        e if is_timeout(e) => (Status::Unchecked, format!("no answer within {}", seconds(timeout))),
        other => (Status::Unchecked, other.to_string()),
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_judged() {
        assert_eq!(judge_status(200, None).0, Status::Alive);
        assert_eq!(judge_status(404, None), (Status::Dead, "answered 404 Not Found".into()));
        assert_eq!(judge_status(410, Some("https://x/y")).1, "redirects to `https://x/y`, which answered 410 Gone");
        assert_eq!(judge_status(503, None).0, Status::Unchecked);
        assert_eq!(judge_status(429, None).0, Status::Unchecked);
        assert_eq!(judge_status(403, None).0, Status::Unchecked);
    }

    #[test]
    fn errors_are_judged() {
        let t = Duration::from_secs(10);
        let io = |kind, text: &str| ureq::Error::Io(std::io::Error::new(kind, text.to_string()));
        let other = std::io::ErrorKind::Other;
        let no_name = io(other, "failed to lookup address information: Name or service not known");
        assert!(is_unreachable(&no_name));
        assert_eq!(judge_error(&no_name, t).0, Status::Dead);
        assert_eq!(judge_error(&ureq::Error::HostNotFound, t).0, Status::Dead);
        let no_server = io(other, "failed to lookup address information: Temporary failure in name resolution");
        assert!(!is_unreachable(&no_server));
        assert_eq!(judge_error(&no_server, t).0, Status::Unchecked);
        let refused = io(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(judge_error(&refused, t), (Status::Dead, "refused the connection".into()));
        let timeout = ureq::Error::Timeout(ureq::Timeout::Global);
        assert_eq!(judge_error(&timeout, t), (Status::Unchecked, "no answer within 10 s".into()));
        assert_eq!(judge_error(&ureq::Error::TooManyRedirects, t).0, Status::Dead);
    }

    #[test]
    fn a_host_name_outside_ascii_is_not_called_dead() {
        let agent = ureq::Agent::new_with_defaults();
        let answer = ask(&agent, "https://한국.kr/", Duration::from_secs(1));
        assert_eq!(answer.status, Status::Unchecked, "{}", answer.detail);
        assert!(answer.detail.contains("IDN"), "{}", answer.detail);
    }

    #[test]
    fn hosts_take_turns_in_the_queue() {
        let urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1"];
        let queue = Queue::new(urls.iter().map(|u| u.to_string()).collect(), 1);
        let mut order = Vec::new();
        while let Some((url, host)) = queue.take() {
            order.push(url);
            queue.done(&host);
        }
        assert_eq!(order, ["http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://a/3"]);
        let queue = Queue::new(urls.iter().map(|u| u.to_string()).collect(), 1);
        let (first, _) = queue.take().unwrap();
        let (second, _) = queue.take().unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("http://a/1", "http://b/1"), "a busy host waits its turn");
    }
}
