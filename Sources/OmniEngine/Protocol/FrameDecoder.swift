/// Turns a TCP byte stream into `PeerMessage`s, one complete frame at a time.
///
/// Feed received bytes to `append`, then call `next()` until it returns nil (a frame is still
/// incomplete). The header is checked as soon as its bytes arrive — magic, version, message type,
/// flags and the frame length against `maxFrameBytes` — so an oversized or foreign frame is
/// refused before its payload is buffered. The first error is final: `next()` throws it again on
/// every call and `append` drops further bytes; close the connection and log the error.
///
/// Call `next()` until nil after each `append`: the decoder then holds at most one frame (at
/// most `maxFrameBytes`) plus the last chunk appended. Work is linear in the bytes received.
///
/// With an `authenticator` (a cluster key), every frame must carry a valid tag; without one,
/// tagged frames are refused too (the two ends disagree about the key).
public struct FrameDecoder: Sendable {
    public let maxFrameBytes: Int
    public let authenticator: FrameAuthenticator?
    /// The error that ended this stream, if any.
    public private(set) var failure: FrameError?
    /// Frames decoded so far.
    public private(set) var framesDecoded = 0
    /// Bytes of the stream consumed by decoded frames.
    public private(set) var bytesConsumed = 0

    private var buffer: [UInt8] = []
    private var start = 0
    private var header: FrameHeader?

    public init(maxFrameBytes: Int = FrameCodec.defaultMaxFrameBytes, authenticator: FrameAuthenticator? = nil) {
        precondition(maxFrameBytes >= FrameHeader.byteCount, "maxFrameBytes must hold at least a header")
        self.maxFrameBytes = maxFrameBytes
        self.authenticator = authenticator
    }

    /// Bytes received but not yet part of a decoded frame.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes received from the connection. Ignored once the decoder has failed.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil else { return }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, nil if more bytes are needed, or the error that ends the stream.
    public mutating func next() throws(FrameError) -> PeerMessage? {
        if let failure { throw failure }
        do {
            return try decodeNext()
        } catch {
            failure = error
            buffer = []
            start = 0
            throw error
        }
    }

    private mutating func decodeNext() throws(FrameError) -> PeerMessage? {
        let available = buffer.count - start
        if header == nil {
            guard available >= FrameHeader.byteCount else {
                try FrameHeader.checkMagicPrefix(buffer[start...].prefix(4))
                return nil
            }
            let parsed = try buffer.withUnsafeBytes { all in
                Result { () throws(FrameError) in
                    try FrameHeader.parse(UnsafeRawBufferPointer(rebasing: all[start..<(start + FrameHeader.byteCount)]))
                }
            }.get()
            guard parsed.frameLength <= maxFrameBytes else {
                throw .oversized(length: parsed.frameLength, max: maxFrameBytes)
            }
            if authenticator != nil && !parsed.isAuthenticated {
                throw .authenticationFailed(reason: "\(parsed.type.name) frame carries no tag but this node requires the cluster key")
            }
            if authenticator == nil && parsed.isAuthenticated {
                throw .authenticationFailed(reason: "\(parsed.type.name) frame carries a tag but this node has no cluster key")
            }
            // No capacity is reserved from the claimed length: a peer that announces a large
            // frame and sends nothing more costs only the bytes it actually sent.
            header = parsed
        }
        guard let header, available >= header.frameLength else { return nil }
        let message = try buffer.withUnsafeBytes { all in Result { () throws(FrameError) -> PeerMessage in
            let frame = UnsafeRawBufferPointer(rebasing: all[start..<(start + header.frameLength)])
            let signedLength = FrameHeader.byteCount + header.payloadLength
            if let authenticator {
                let signed = UnsafeRawBufferPointer(rebasing: frame[0..<signedLength])
                let tag = UnsafeRawBufferPointer(rebasing: frame[signedLength...])
                guard authenticator.isValid(tag: tag, for: signed) else {
                    throw .authenticationFailed(reason: "\(header.type.name) frame's HMAC-SHA256 tag does not match (wrong cluster key or altered frame)")
                }
            }
            return try FrameCodec.decodePayload(header.type, UnsafeRawBufferPointer(rebasing: frame[FrameHeader.byteCount..<signedLength]))
        } }.get()
        start += header.frameLength
        bytesConsumed += header.frameLength
        framesDecoded += 1
        self.header = nil
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        }
        return message
    }
}
