import Foundation
import Testing
import TestSupport
@testable import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, item 8: a save interrupted by `kill -9` leaves a temporary file, and the next save to the same
/// output removes it; temporaries of live writers are left alone.
@Suite("Atomic writes")
struct AtomicFileTests {
    /// A process id that no process has now.
    static func deadPID() -> pid_t {
        var pid: pid_t = 4_000_000
        while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
        return pid
    }

    @Test func staleTemporariesAreRemovedByTheNextSave() throws {
        let folder = try TestData.temporaryDirectory("atomic")
        let url = folder.appendingPathComponent("m.safetensors")
        let stale = AtomicFile.temporaryURL(for: url, pid: Self.deadPID())
        let live = AtomicFile.temporaryURL(for: url, pid: 1)
        let unrelated = folder.appendingPathComponent(".other.safetensors.\(Self.deadPID()).partial")
        for file in [stale, live, unrelated] { try Data(count: 2 << 20).write(to: file) }
        try SafeTensors.write([("x", Tensor(shape: [2], values: [1, 2]))], metadata: [:], to: url)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(names == ["m.safetensors", live.lastPathComponent, unrelated.lastPathComponent])
        #expect(try SafeTensors.read(url).values("x") == [1, 2])
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporary() throws {
        let folder = try TestData.temporaryDirectory("atomic")
        let url = folder.appendingPathComponent("m.bin")
        try AtomicFile.write(Data("old".utf8), to: url)
        // A folder where the file should go: the rename fails, the folder and old bytes stay.
        let blocked = folder.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: RegularFile.Problem.self) { try AtomicFile.write(Data("new".utf8), to: blocked) }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasSuffix(".partial") }, "\(names)")
        #expect(try Data(contentsOf: url) == Data("old".utf8))
    }
}
