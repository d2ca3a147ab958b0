//! Loopback ports and plain HTTP/1.1 over a socket, for servers that run as processes.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether something accepts connections on 127.0.0.1:`port`.
pub fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Whether `address` (`host:port`) accepts a TCP connection within 5 s; the error if not.
pub fn reachable(address: &str) -> std::io::Result<()> {
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no such address");
    for addr in address.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
            Ok(_) => return Ok(()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Sends one HTTP/1.1 request with an empty body to 127.0.0.1:`port`; the stream to read the
/// answer from, now or later.
pub fn send(port: u16, method: &str, path: &str) -> TcpStream {
    send_to(&format!("127.0.0.1:{port}"), method, path)
}

/// [`send`] to `address` (`host:port`).
pub fn send_to(address: &str, method: &str, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(address).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s
}

/// The whole answer, until the server closes the connection (60 s at most).
pub fn read_answer(mut s: TcpStream) -> Vec<u8> {
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    bytes
}

/// One request to 127.0.0.1:`port` and its whole answer, as text.
pub fn request(port: u16, method: &str, path: &str) -> String {
    request_to(&format!("127.0.0.1:{port}"), method, path)
}

/// [`request`] to `address` (`host:port`).
pub fn request_to(address: &str, method: &str, path: &str) -> String {
    String::from_utf8_lossy(&read_answer(send_to(address, method, path))).into_owned()
}
