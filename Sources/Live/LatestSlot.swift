import Imaging
import Foundation

/// A hand-off point between threads that holds only the newest value: a producer never waits and never
/// queues, so a slow consumer always gets the freshest value and stale ones are dropped (as in scrcpy).
/// Any number of readers may `latest()`; one consumer waits with `next(after:)` and the slot counts the
/// versions it never saw.
public final class LatestSlot<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?
    private var version = 0
    private var closed = false
    private var consumedVersion = 0
    private var droppedCount = 0

    public init() {}

    /// Replaces the held value; never blocks.
    public func put(_ newValue: Value) {
        condition.lock()
        value = newValue
        version += 1
        condition.unlock()
        condition.broadcast()
    }

    /// The newest value and its version (1, 2, ...), or nil before the first `put`. Never blocks.
    public func latest() -> (value: Value, version: Int)? {
        condition.lock()
        defer { condition.unlock() }
        return value.map { ($0, version) }
    }

    /// Waits until a value newer than `version` arrives (or `timeout` seconds pass, or the slot closes) and
    /// returns the newest one; values put in between are dropped and counted.
    public func next(after seen: Int, timeout: Double) -> (value: Value, version: Int)? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while version <= seen && !closed {
            if !condition.wait(until: deadline) { break }
        }
        guard version > seen, let value else { return nil }
        droppedCount += max(0, version - max(seen, consumedVersion) - 1)
        consumedVersion = version
        return (value, version)
    }

    /// Values replaced before the consumer took them.
    public var dropped: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedCount
    }

    /// Wakes waiting consumers for good (shutdown).
    public func close() {
        condition.lock()
        closed = true
        condition.unlock()
        condition.broadcast()
    }
}
