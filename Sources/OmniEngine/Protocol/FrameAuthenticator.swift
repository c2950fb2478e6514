/// Signs and checks frames with HMAC-SHA256 under a cluster key (`--cluster-key`).
///
/// The tag covers the frame's header (whose flags mark it as authenticated and whose length field
/// is final) and payload, and is appended after the payload. It proves that the sender knows the
/// key and that nothing was altered; it does not hide the contents and does not by itself stop a
/// frame from being replayed (`HandshakeToken` binds each connection to fresh nonces).
public struct FrameAuthenticator: Sendable {
    private let mac: HMACSHA256

    /// `key`: the shared secret, any length (longer than 64 bytes is hashed first).
    public init(key: [UInt8]) {
        mac = HMACSHA256(key: key)
    }

    /// A key given as text, such as the value of `--cluster-key` (its UTF-8 bytes).
    public init(passphrase: String) {
        self.init(key: Array(passphrase.utf8))
    }

    /// The 32-byte tag of `bytes`.
    public func tag(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var m = mac
        m.update(bytes)
        return m.finalize()
    }

    /// The 32-byte tag of `bytes`.
    public func tag(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var m = mac
        m.update(bytes)
        return m.finalize()
    }

    /// True if `tag` is the tag of `bytes` (constant-time comparison).
    public func isValid(tag: UnsafeRawBufferPointer, for bytes: UnsafeRawBufferPointer) -> Bool {
        HMACSHA256.constantTimeEqual(self.tag(bytes), tag)
    }

    /// True if `tag` is the tag of `bytes` (constant-time comparison).
    public func isValid(tag: some Collection<UInt8>, for bytes: some Collection<UInt8>) -> Bool {
        HMACSHA256.constantTimeEqual(self.tag(bytes), tag)
    }
}
