//! Free loopback ports. Asking the OS for port 0 and releasing it is racy in principle;
//! the services bind within milliseconds and a collision shows up as a readiness failure
//! with the service's log, never as a silent wrong answer.

use std::net::{TcpListener, UdpSocket};

pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A run of `count` consecutive UDP ports that are free right now.
pub fn free_udp_range(count: u16) -> (u16, u16) {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    for _ in 0..200 {
        let start: u16 = rng.gen_range(20_000..(60_000 - count));
        let held: Result<Vec<UdpSocket>, _> = (start..start + count)
            .map(|p| UdpSocket::bind(("127.0.0.1", p)))
            .collect();
        if held.is_ok() {
            return (start, start + count - 1);
        }
    }
    panic!("no free range of {count} UDP ports on 127.0.0.1");
}
