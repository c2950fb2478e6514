import Foundation

/// One TCP connection to a peer: the socket and a bounded outbound queue drained by a writer
/// thread. The transport's reader thread owns the socket's lifetime; anyone may `close` it,
/// which wakes both threads.
final class PeerConnection: @unchecked Sendable {
    let socket: Socket
    let remote: IPv4Endpoint
    /// True if this node dialed the connection.
    let outgoing: Bool
    /// Unique per transport, for tables and logs.
    let serial: UInt64
    /// Most bytes waiting to be written before the connection counts as stuck.
    let maxQueuedBytes: Int

    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var queuedBytes = 0
    private var closed = false
    private var writerDone = false
    /// The writer is sending a batch (frames queued meanwhile must wait their turn).
    private var writing = false
    private(set) var closeReason: String?
    /// Set once the handshake has named the peer.
    var peer: NodeID?

    init(socket: Socket, remote: IPv4Endpoint, outgoing: Bool, serial: UInt64, maxQueuedBytes: Int) {
        self.socket = socket
        self.remote = remote
        self.outgoing = outgoing
        self.serial = serial
        self.maxQueuedBytes = maxQueuedBytes
    }

    enum EnqueueResult { case queued, closed, overflow(queuedBytes: Int) }

    /// Sends a frame at once when nothing is waiting and the kernel takes it, else queues it for
    /// the writer; refuses it when the queue would exceed `maxQueuedBytes` (a frame larger than
    /// the limit is still accepted into an empty queue).
    func enqueue(_ frame: [UInt8]) -> EnqueueResult {
        condition.lock()
        if closed { condition.unlock(); return .closed }
        var rest = frame[...]
        if queue.isEmpty && !writing && writerStarted {
            do {
                let sent = try socket.sendNow(rest)
                if sent == rest.count { condition.unlock(); return .queued }
                rest = rest.dropFirst(sent)
            } catch {
                condition.unlock()
                close(reason: "write failed: \(error.localizedDescription)")
                return .closed
            }
        }
        defer { condition.unlock() }
        if queuedBytes > 0 && queuedBytes + rest.count > maxQueuedBytes { return .overflow(queuedBytes: queuedBytes) }
        queue.append(Array(rest))
        queuedBytes += rest.count
        condition.signal()
        return .queued
    }

    /// Set when the writer thread runs (direct sends wait for it, so a handshake is never
    /// interleaved with frames).
    private var writerStarted = false

    /// Writes queued frames until the connection closes. Runs on its own thread.
    func runWriter() {
        condition.lock()
        writerStarted = true
        condition.unlock()
        while true {
            condition.lock()
            writing = false
            while queue.isEmpty && !closed { condition.wait() }
            if closed {
                writerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll()
            writing = true
            condition.unlock()
            var data: [UInt8] = []
            data.reserveCapacity(batch.reduce(0) { $0 + $1.count })
            for frame in batch { data.append(contentsOf: frame) }
            do {
                try socket.sendAll(data)
            } catch {
                close(reason: "write failed: \(error.localizedDescription)")
            }
            condition.lock()
            queuedBytes -= data.count
            condition.unlock()
        }
    }

    /// Marks the connection closed (the first reason wins) and wakes its threads.
    func close(reason: String) {
        condition.lock()
        if !closed {
            closed = true
            closeReason = reason
        }
        condition.broadcast()
        condition.unlock()
        socket.shutdown()
    }

    var isClosed: Bool { condition.lock(); defer { condition.unlock() }; return closed }

    /// Waits until the writer thread has exited (call after `close`), at most `timeout` seconds.
    func waitForWriter(timeout: Double) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        while !writerDone { if !condition.wait(until: deadline) { break } }
        condition.unlock()
    }
}
