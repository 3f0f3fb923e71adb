//! The HTTP/1.1 of `watch`'s preview server: GET and HEAD, keep-alive, and event streams, on
//! plain `std::net`. Each connection has a thread, and each thread a bound, so that no client
//! can starve the others or the process (`--bind 0.0.0.0` puts the server on a network):
//!
//! - connections are counted, overall and per client address; one over either count is
//!   answered `503` at once and closed;
//! - a request head must arrive whole within `timeout` and fit in 16 KiB; an idle keep-alive
//!   connection is closed after `timeout`;
//! - every write waits at most `timeout`, and a whole response at most `response_time`, so a
//!   client that stops reading loses its connection instead of holding a thread;
//! - event streams have their own count; a thread that cannot be started closes its connection
//!   and nothing else happens.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The bounds of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections, event streams included.
    pub connections: usize,
    /// Open connections from one client address.
    pub per_client: usize,
    /// Open event streams (one per browser tab), overall and per client address.
    pub event_streams: usize,
    pub event_streams_per_client: usize,
    /// For a request head to arrive, for a keep-alive connection to stay idle, for one write.
    pub timeout: Duration,
    /// For a whole response to be written.
    pub response_time: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: 256,
            per_client: 64,
            event_streams: 64,
            event_streams_per_client: 16,
            timeout: Duration::from_secs(10),
            response_time: Duration::from_secs(60),
        }
    }
}

const MAX_HEAD_BYTES: u64 = 16 * 1024;
/// How often an open event stream sends a comment line (proxies close silent connections).
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(15);
/// How often an open event stream looks whether its client has gone.
const CLOSED_CHECK_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Whether only the head of the response is wanted.
    pub head_only: bool,
    /// The request target: a path, with its query.
    pub target: String,
    keep_alive: bool,
}

/// A complete response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: Vec::new(), body: body.into() }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// What a request gets: a response, or an event stream: `first`, then the texts of the
/// receiver that `subscribe` gives, until it closes. (Subscribing waits until the stream is
/// allowed, so a refused stream leaves nothing behind.)
pub enum Reply {
    Response(Response),
    Events { first: String, subscribe: Box<dyn FnOnce() -> Receiver<String> + Send> },
}

/// Answers requests.
pub trait Handler: Send + Sync + 'static {
    fn reply(&self, request: &Request) -> Reply;
}

/// Starts accepting connections on `listener` (on a thread of its own) and returns.
pub fn spawn(listener: TcpListener, handler: Arc<dyn Handler>, limits: Limits) -> io::Result<SocketAddr> {
    spawn_until(listener, handler, limits, Arc::default())
}

/// `spawn`, until `stop` is set: the next connection then ends the accepting thread (whoever
/// sets it connects once to wake it).
pub fn spawn_until(
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    limits: Limits,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> io::Result<SocketAddr> {
    let address = listener.local_addr()?;
    let counts = Arc::new(Counts::default());
    std::thread::Builder::new().name("briefing-accept".into()).spawn(move || {
        for stream in listener.incoming() {
            if stop.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            match stream {
                Ok(stream) => accept(stream, &handler, &counts, limits),
                // Out of file descriptors, or an aborted connection: wait a little, go on.
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    })?;
    Ok(address)
}

fn accept(stream: TcpStream, handler: &Arc<dyn Handler>, counts: &Arc<Counts>, limits: Limits) {
    let client = stream.peer_addr().ok().map(|a| client_key(a.ip()));
    let Some(slot) = counts.take(client, limits) else {
        refuse(stream);
        return;
    };
    let (handler, counts) = (handler.clone(), counts.clone());
    // A thread that cannot be started drops its closure: the slot is given back and the
    // connection closed.
    let _ = std::thread::Builder::new().name("briefing-http".into()).stack_size(256 * 1024).spawn(move || {
        let _slot = slot;
        let _ = connection(stream, client, handler.as_ref(), &counts, limits);
    });
}

/// Answers a connection over the limits with `503`, without waiting for it.
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 19\r\nConnection: close\r\nRetry-After: 1\r\n\r\ntoo many connections",
    );
}

/// Who a client is, for the limits: its IPv4 address, or the /64 network of its IPv6 address
/// (one host commonly has a whole /64).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// Connections or streams open, overall and per client.
type Open = Mutex<(usize, HashMap<Option<IpAddr>, usize>)>;

/// The connections open, and the event streams.
#[derive(Default)]
struct Counts {
    open: Open,
    streams: Open,
}

/// Counts one more for `client` if both counts stay within their limits.
fn take(open: &Open, client: Option<IpAddr>, limit: usize, per_client: usize) -> bool {
    let mut open = open.lock().unwrap_or_else(|e| e.into_inner());
    let (total, by_client) = &mut *open;
    let mine = by_client.entry(client).or_default();
    if *total >= limit || *mine >= per_client {
        if *mine == 0 {
            by_client.remove(&client);
        }
        return false;
    }
    *mine += 1;
    *total += 1;
    true
}

fn give_back(open: &Open, client: Option<IpAddr>) {
    let mut open = open.lock().unwrap_or_else(|e| e.into_inner());
    let (total, by_client) = &mut *open;
    *total -= 1;
    if let Some(mine) = by_client.get_mut(&client) {
        *mine -= 1;
        if *mine == 0 {
            by_client.remove(&client);
        }
    }
}

/// An open connection: counted until dropped.
struct Slot {
    counts: Arc<Counts>,
    client: Option<IpAddr>,
}

impl Counts {
    fn take(self: &Arc<Counts>, client: Option<IpAddr>, limits: Limits) -> Option<Slot> {
        take(&self.open, client, limits.connections, limits.per_client).then(|| Slot { counts: self.clone(), client })
    }

    fn take_stream(&self, client: Option<IpAddr>, limits: Limits) -> Option<StreamSlot<'_>> {
        take(&self.streams, client, limits.event_streams, limits.event_streams_per_client)
            .then(|| StreamSlot { counts: self, client })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        give_back(&self.counts.open, self.client);
    }
}

struct StreamSlot<'a> {
    counts: &'a Counts,
    client: Option<IpAddr>,
}

impl Drop for StreamSlot<'_> {
    fn drop(&mut self) {
        give_back(&self.counts.streams, self.client);
    }
}

/// Serves the requests of one connection until it closes, times out or asks to close.
fn connection(
    stream: TcpStream,
    client: Option<IpAddr>,
    handler: &dyn Handler,
    counts: &Counts,
    limits: Limits,
) -> io::Result<()> {
    stream.set_read_timeout(Some(limits.timeout))?;
    stream.set_write_timeout(Some(limits.timeout))?;
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(Deadline { stream, until: Instant::now() });
    loop {
        // The next request, head and all, must arrive within the timeout.
        reader.get_mut().until = Instant::now() + limits.timeout;
        let request = match read_request(&mut reader, limits.timeout) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            Err(status) => {
                let reason = reason(status);
                let response = Response::new(status, reason).header("Allow", "GET, HEAD");
                return write_response(&mut writer, &response, false, false, limits);
            }
        };
        match handler.reply(&request) {
            Reply::Response(response) => {
                write_response(&mut writer, &response, request.head_only, request.keep_alive, limits)?;
                if !request.keep_alive {
                    return Ok(());
                }
            }
            Reply::Events { first, subscribe } => {
                let Some(_stream) = counts.take_stream(client, limits) else {
                    let response = Response::new(503, "too many event streams").header("Retry-After", "5");
                    return write_response(&mut writer, &response, false, false, limits);
                };
                return events(&mut writer, &first, &subscribe());
            }
        }
    }
}

/// A connection's reading side that fails once its time is up, however the bytes trickle in.
struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "request took too long"));
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// Reads one request head. `Ok(None)`: the connection closed or stayed idle; `Err(status)`:
/// the request cannot be served.
fn read_request(reader: &mut impl BufRead, timeout: Duration) -> Result<Option<Request>, u16> {
    let started = Instant::now();
    let mut head: Vec<String> = Vec::new();
    let mut read = 0u64;
    loop {
        let mut line = Vec::new();
        let n = match reader.by_ref().take(MAX_HEAD_BYTES - read).read_until(b'\n', &mut line) {
            Ok(n) => n,
            // Idle (or too slow) before a request began: close quietly; in the middle: 408.
            Err(_) if head.is_empty() && line.is_empty() => return Ok(None),
            Err(_) => return Err(408),
        };
        if n == 0 {
            return if head.is_empty() && line.is_empty() { Ok(None) } else { Err(400) };
        }
        read += n as u64;
        if !line.ends_with(b"\n") {
            // Cut off by the size limit, or by the end of the connection.
            return Err(if read >= MAX_HEAD_BYTES { 431 } else { 400 });
        }
        if started.elapsed() > timeout {
            return Err(408);
        }
        let Ok(text) = String::from_utf8(line) else { return Err(400) };
        let text = text.trim_end_matches(['\r', '\n']).to_string();
        if text.is_empty() {
            if head.is_empty() {
                continue; // a stray empty line before a request is allowed
            }
            break;
        }
        head.push(text);
    }
    parse_head(&head)
}

fn parse_head(head: &[String]) -> Result<Option<Request>, u16> {
    let mut parts = head[0].split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err(405),
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(505),
    };
    if !target.starts_with('/') {
        return Err(400);
    }
    let mut keep_alive = http11;
    for line in &head[1..] {
        let Some((name, value)) = line.split_once(':') else { return Err(400) };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
        match name.as_str() {
            "connection" if value.split(',').any(|v| v.trim() == "close") => keep_alive = false,
            "connection" if value.split(',').any(|v| v.trim() == "keep-alive") => keep_alive = true,
            // No request of a static site has a body: refuse rather than read one.
            "content-length" if value != "0" => return Err(413),
            "transfer-encoding" => return Err(413),
            _ => {}
        }
    }
    Ok(Some(Request { head_only, target: target.to_string(), keep_alive }))
}

fn write_response(
    writer: &mut TcpStream,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
    limits: Limits,
) -> io::Result<()> {
    let started = Instant::now();
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    for (name, value) in &response.headers {
        // Values are made here; a control character would end the header early.
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    ));
    writer.write_all(head.as_bytes())?;
    if !head_only {
        for chunk in response.body.chunks(64 * 1024) {
            if started.elapsed() > limits.response_time {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "response took too long"));
            }
            writer.write_all(chunk)?;
        }
    }
    writer.flush()
}

/// An event stream: each text as it comes, and a comment now and then, until the receiver
/// closes, a write fails or the client goes (looked at every second, so its slot is given back
/// at once).
fn events(writer: &mut TcpStream, first: &str, receiver: &Receiver<String>) -> io::Result<()> {
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    writer.write_all(head.as_bytes())?;
    writer.write_all(first.as_bytes())?;
    writer.flush()?;
    let mut last_write = Instant::now();
    loop {
        let text = match receiver.recv_timeout(CLOSED_CHECK_EVERY) {
            Ok(text) => text,
            Err(RecvTimeoutError::Timeout) if has_closed(writer) => return Ok(()),
            Err(RecvTimeoutError::Timeout) if last_write.elapsed() >= KEEP_ALIVE_EVERY => ": keep-alive\n\n".into(),
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        writer.write_all(text.as_bytes())?;
        writer.flush()?;
        last_write = Instant::now();
    }
}

/// Whether the client closed its side: an event stream's client sends nothing after its
/// request, so a readable socket means the end of the connection (or a client to drop).
fn has_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let closed = !matches!(stream.peek(&mut [0u8; 1]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).is_err() || closed
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Request>, u16> {
        read_request(&mut io::Cursor::new(text.as_bytes().to_vec()), Duration::from_secs(5))
    }

    #[test]
    fn request_heads() {
        let r = parse("GET /a/?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap().unwrap();
        assert_eq!((r.head_only, r.target.as_str(), r.keep_alive), (false, "/a/?x=1", true));
        let r = parse("HEAD / HTTP/1.0\r\n\r\n").unwrap().unwrap();
        assert_eq!((r.head_only, r.keep_alive), (true, false));
        assert!(!parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap().unwrap().keep_alive);
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("POST / HTTP/1.1\r\n\r\n"), Err(405));
        assert_eq!(parse("GET / HTTP/2\r\n\r\n"), Err(505));
        assert_eq!(parse("GET http://x/ HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"), Err(413));
        assert_eq!(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n"), Err(400));
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: x"), Err(400), "a head cut short");
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        assert_eq!(parse(&huge), Err(431));
        assert_eq!(parse("GET /\u{ff} HTTP/1.1\r\n\r\n").map(|r| r.map(|r| r.target)), Ok(Some("/\u{ff}".into())));
        assert_eq!(
            read_request(&mut io::Cursor::new(b"GET /\xff HTTP/1.1\r\n\r\n".to_vec()), Duration::from_secs(1)),
            Err(400)
        );
    }
}
