import Foundation
import Glibc

/// An HTTP/1.1 server on one poll(2) event-loop thread: accepts, reads, parses, writes and
/// enforces limits and timeouts for every connection. Handlers run on the loop thread and answer
/// through a `ResponseWriter`, which any thread may use (writes are handed to the loop).
final class HTTPServer: @unchecked Sendable {
    typealias Handler = (HTTPRequest, ResponseWriter) -> Void

    let configuration: APIConfiguration
    private let handler: Handler
    private let lock = NSLock()
    private var tasks: [() -> Void] = []
    private var running = false
    private var stopped = false
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var listener: Int32 = -1
    private var exited = DispatchSemaphore(value: 0)
    private var loopThread: Thread?
    private(set) var boundPort = 0

    // Loop-thread state.
    private var connections: [Int32: HTTPConnection] = [:]
    private var requestSerial: UInt64 = 0
    private let clock = ContinuousClock()

    init(configuration: APIConfiguration, handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
    }

    func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !running, !stopped else { throw APIServerError.alreadyStarted }
        let (fd, port) = try Sockets.listen(host: configuration.host, port: configuration.port)
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw APIServerError.socketFailed("pipe()", errno: errno)
        }
        Sockets.setNonBlocking(pipeFDs[0])
        Sockets.setNonBlocking(pipeFDs[1])
        listener = fd
        boundPort = port
        wakeRead = pipeFDs[0]
        wakeWrite = pipeFDs[1]
        running = true
        let thread = Thread { [self] in runLoop() }
        thread.name = "omni.api.loop"
        thread.stackSize = 1 << 22
        loopThread = thread
        thread.start()
    }

    /// Stops accepting, closes every connection (cancelling their requests) and waits for the loop.
    func stop() {
        lock.lock()
        guard running else { lock.unlock(); return }
        running = false
        stopped = true
        lock.unlock()
        wake()
        if Thread.current !== loopThread { exited.wait() }
    }

    var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    /// Runs `task` on the loop thread (dropped once the server has stopped).
    func execute(_ task: @escaping () -> Void) {
        lock.lock()
        guard running else { lock.unlock(); return }
        tasks.append(task)
        let first = tasks.count == 1
        lock.unlock()
        if first { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    // MARK: The loop

    private func runLoop() {
        var fds: [pollfd] = []
        while true {
            lock.lock()
            let keepRunning = running
            lock.unlock()
            if !keepRunning { break }
            fds.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            let accepting = connections.count < configuration.maxConnections
            fds.append(pollfd(fd: accepting ? listener : -1, events: Int16(POLLIN), revents: 0))
            for (fd, c) in connections {
                var events: Int16 = 0
                if c.input.count < readLimit { events |= Int16(POLLIN) }
                if c.pendingOutput > 0 { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: fd, events: events, revents: 0))
            }
            let ready = poll(&fds, nfds_t(fds.count), 200)
            if ready < 0 && errno != EINTR { break }
            if fds[0].revents != 0 { drainWake() }
            runTasks()
            if fds[1].revents != 0 { acceptAll() }
            for p in fds.dropFirst(2) where p.revents != 0 {
                guard let c = connections[p.fd] else { continue }
                if p.revents & Int16(POLLOUT) != 0 { guard c.flush() else { closeConnection(c); continue }; afterWrite(c) }
                if p.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    guard connections[p.fd] === c else { continue }
                    if c.phase == .closing {
                        // Discard what a closing client still sends; close at its EOF.
                        let open = c.readAvailable(limit: readLimit)
                        c.input.removeAll()
                        if !open { closeConnection(c) }
                        continue
                    }
                    let open = c.readAvailable(limit: readLimit)
                    if !c.input.isEmpty { process(c) }
                    if !open, connections[p.fd] === c { closeConnection(c) }
                }
            }
            enforceDeadlines()
        }
        for c in Array(connections.values) { closeConnection(c) }
        close(listener)
        close(wakeRead)
        close(wakeWrite)
        exited.signal()
    }

    private var readLimit: Int { configuration.maxHeaderBytes + configuration.maxBodyBytes + 65536 }

    private func drainWake() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    private func runTasks() {
        lock.lock()
        let batch = tasks
        tasks.removeAll()
        lock.unlock()
        for task in batch { task() }
    }

    private func acceptAll() {
        var accepted = 0
        while accepted < 64, connections.count < configuration.maxConnections, let fd = Sockets.accept(listener) {
            accepted += 1
            let c = HTTPConnection(fd: fd, parser: HTTPRequestParser(maxHeaderBytes: configuration.maxHeaderBytes,
                                                                     maxBodyBytes: configuration.maxBodyBytes))
            c.deadline = clock.now + .seconds(configuration.idleTimeoutSeconds)
            c.deadlineKind = .idle
            connections[fd] = c
        }
    }

    private func enforceDeadlines() {
        let now = clock.now
        for c in Array(connections.values) {
            guard let deadline = c.deadline, now >= deadline else { continue }
            switch c.phase {
            case .reading:
                if c.deadlineKind == .idle { closeConnection(c) } else { fail(c, .requestTimeout) }
            case .closing:
                closeConnection(c)
            case .handling:
                break
            }
        }
    }

    /// Parses buffered input and dispatches complete requests.
    private func process(_ c: HTTPConnection) {
        guard c.phase == .reading, !c.input.isEmpty else { return }
        if c.deadlineKind == .idle {
            c.deadlineKind = .header
            c.deadline = clock.now + .seconds(configuration.headerTimeoutSeconds)
        }
        switch c.parser.parse(c.input) {
        case .needMore:
            if c.parser.hasHead && c.deadlineKind == .header {
                c.deadlineKind = .body
                c.deadline = clock.now + .seconds(configuration.bodyTimeoutSeconds)
            }
        case .continueExpected:
            c.enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            if !c.flush() { closeConnection(c) }
        case .failure(let error):
            fail(c, error)
        case .request(let request, let consumed):
            c.input.removeFirst(consumed)
            c.parser.reset()
            c.phase = .handling
            c.deadline = nil
            // Unique across connections: a new connection may reuse a closed one's fd number.
            requestSerial &+= 1
            c.serial = requestSerial
            c.keepAlive = request.keepAlive
            c.chunked = request.minorVersion >= 1
            let writer = ResponseWriter(server: self, fd: c.fd, serial: c.serial, keepAlive: c.keepAlive,
                                        headOnly: request.method == "HEAD")
            var routed = request
            if request.method == "HEAD" { routed.method = "GET" }
            handler(routed, writer)
        }
    }

    /// Answers a malformed request with its error and closes the connection.
    private func fail(_ c: HTTPConnection, _ error: APIError) {
        c.phase = .handling
        c.keepAlive = false
        c.enqueue(ResponseWriter.serialize(status: error.status, headers: [("Content-Type", "application/json")],
                                           body: Array(error.body.data), keepAlive: false))
        finishResponse(c)
    }

    private func closeConnection(_ c: HTTPConnection) {
        guard connections[c.fd] === c else { return }
        connections[c.fd] = nil
        close(c.fd)
        let onClose = c.onClose
        c.onClose = nil
        c.phase = .closing
        onClose?()
    }

    private func afterWrite(_ c: HTTPConnection) {
        if c.phase == .closing && c.pendingOutput == 0 { shutdownAndClose(c) }
    }

    private func shutdownAndClose(_ c: HTTPConnection) {
        // Half-close so the client reads the whole response, then wait (briefly) for its EOF:
        // closing with unread input would reset the connection and could lose the response.
        guard !c.shutDown else { return }
        c.shutDown = true
        shutdown(c.fd, Int32(SHUT_WR))
        c.input.removeAll()
        c.deadline = clock.now + .seconds(2)
    }

    // MARK: Writer entry points (loop thread)

    func connection(_ fd: Int32, serial: UInt64) -> HTTPConnection? {
        guard let c = connections[fd], c.serial == serial, c.phase == .handling else { return nil }
        return c
    }

    func write(_ bytes: [UInt8], to c: HTTPConnection) {
        c.enqueue(bytes)
        if !c.flush() { closeConnection(c); return }
        if c.pendingOutput > 64 << 20 { closeConnection(c) }  // a client that never reads
    }

    /// The response is complete: keep the connection for the next request, or close it.
    func finishResponse(_ c: HTTPConnection) {
        c.onClose = nil
        guard connections[c.fd] === c else { return }
        if !c.flush() { closeConnection(c); return }
        if c.keepAlive {
            c.phase = .reading
            c.deadlineKind = .idle
            c.deadline = clock.now + .seconds(configuration.idleTimeoutSeconds)
            if !c.input.isEmpty { process(c) }
        } else {
            c.phase = .closing
            c.deadline = clock.now + .seconds(10)
            if c.pendingOutput == 0 { shutdownAndClose(c) }
        }
    }
}
