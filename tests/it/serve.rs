//! The preview server under hostile clients: clients that never read, that never finish a
//! request, and floods of connections and event streams. In process, on a real socket.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use briefing::serve::http::Limits;
use briefing::serve::{serve_with, Event, Hub, Preview};

fn limits() -> Limits {
    Limits {
        connections: 64,
        per_client: 24,
        event_streams: 8,
        event_streams_per_client: 6,
        timeout: Duration::from_millis(300),
        response_time: Duration::from_secs(1),
    }
}

/// A served output folder with a home page and a large file.
fn server(limits: Limits) -> (tempfile::TempDir, SocketAddr, Arc<Hub>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<html><body>home</body></html>").unwrap();
    std::fs::write(dir.path().join("big.bin"), vec![7u8; 32 << 20]).unwrap();
    let hub = Arc::new(Hub::default());
    let preview = Preview {
        output_dir: dir.path().to_path_buf(),
        base_path: Arc::new(RwLock::new("/".into())),
        hub: hub.clone(),
    };
    let address = serve_with(TcpListener::bind("127.0.0.1:0").unwrap(), preview, limits).unwrap();
    (dir, address, hub)
}

/// A request on a new connection: its status line and the whole response.
fn get(address: SocketAddr, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // A connection over the limits is answered 503 and closed at once, maybe before the request
    // is written: the write may fail with a broken pipe, the answer is read all the same.
    let _ = write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    (text.lines().next().unwrap_or("").to_string(), text)
}

/// Connections that ask for the large file and never read it.
fn stalled(address: SocketAddr, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(address).unwrap();
            write!(s, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            s
        })
        .collect()
}

#[test]
fn clients_that_never_read_neither_block_others_nor_keep_their_connections() {
    let (_dir, address, _hub) = server(limits());
    let _stalled = stalled(address, 12);
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let (status, body) = get(address, "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("home") && body.contains("EventSource"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(1), "served in {:?}", started.elapsed());
    // After the write timeout, the stalled connections are closed and count no more: a client
    // may open as many connections as the limit allows again.
    std::thread::sleep(limits().response_time + limits().timeout * 3);
    let idle: Vec<TcpStream> = (1..limits().per_client).map(|_| TcpStream::connect(address).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(get(address, "/").0, "HTTP/1.1 200 OK", "the stalled connections were closed");
    drop(idle);
}

#[test]
fn connections_over_the_limits_are_refused_at_once_and_idle_ones_closed() {
    let (_dir, address, _hub) = server(limits());
    // Connections that never send a request fill this client's share.
    let idle: Vec<TcpStream> = (0..limits().per_client).map(|_| TcpStream::connect(address).unwrap()).collect();
    // Asked until the answer comes (the server accepts on its own threads; a loaded machine is
    // slow), within a deadline far above the limits' timeout.
    let answers = |expected: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let (status, _) = get(address, "/");
            if status == expected || std::time::Instant::now() > deadline {
                return status;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    };
    assert_eq!(answers("HTTP/1.1 503 Service Unavailable"), "HTTP/1.1 503 Service Unavailable");
    // They are closed after the timeout; the server answers again.
    std::thread::sleep(limits().timeout);
    assert_eq!(answers("HTTP/1.1 200 OK"), "HTTP/1.1 200 OK");
    drop(idle);
}

#[test]
fn event_streams_are_bounded_and_receive_events() {
    let (_dir, address, hub) = server(Limits { per_client: 48, ..limits() });
    let mut streams: Vec<TcpStream> = Vec::new();
    let mut refused = 0;
    for _ in 0..30 {
        let mut s = TcpStream::connect(address).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(s, "GET /__briefing/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).unwrap();
        match &head {
            b"HTTP/1.1 200" => streams.push(s),
            b"HTTP/1.1 503" => refused += 1,
            other => panic!("{}", String::from_utf8_lossy(other)),
        }
    }
    // One client gets its share of streams; the others are refused and leave nothing behind.
    let share = limits().event_streams_per_client;
    assert_eq!((streams.len(), refused), (share, 30 - share));
    assert_eq!(hub.listeners(), share, "a refused stream does not subscribe");
    assert_eq!(get(address, "/").0, "HTTP/1.1 200 OK", "pages are still served");
    hub.send(Event::Reload);
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    while !seen.contains("event: reload") {
        let n = streams[0].read(&mut buffer).unwrap();
        assert!(n > 0, "the stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
}

#[test]
fn a_request_head_sent_a_byte_at_a_time_is_cut_off() {
    let (_dir, address, _hub) = server(limits());
    let mut slow = TcpStream::connect(address).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut status = String::new();
    for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n" {
        if slow.write_all(&[*byte]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(30));
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    let mut response = Vec::new();
    let _ = slow.read_to_end(&mut response);
    status.push_str(&String::from_utf8_lossy(&response));
    assert!(status.starts_with("HTTP/1.1 408"), "{status}");
}

#[test]
fn a_closed_event_stream_gives_its_slot_back_at_once() {
    let (_dir, address, hub) = server(limits());
    let open = |n: usize| -> Vec<TcpStream> {
        (0..n)
            .map(|_| {
                let mut s = TcpStream::connect(address).unwrap();
                write!(s, "GET /__briefing/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                s
            })
            .collect()
    };
    let first = open(limits().event_streams_per_client);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(hub.listeners(), limits().event_streams_per_client);
    drop(first);
    // Noticed within a second or two, long before a keep-alive comment would fail.
    let started = Instant::now();
    while hub.listeners() > 0 || started.elapsed() < Duration::from_millis(100) {
        assert!(started.elapsed() < Duration::from_secs(4), "{} streams still counted", hub.listeners());
        hub.send(Event::Css); // prunes the hub's closed receivers
        std::thread::sleep(Duration::from_millis(100));
    }
    let again = open(limits().event_streams_per_client);
    std::thread::sleep(Duration::from_millis(200));
    hub.send(Event::Css);
    assert_eq!(hub.listeners(), limits().event_streams_per_client, "the slots were given back");
    drop(again);
}
