import Foundation
import Synchronization
import Testing
@testable import NeuralNet

/// The parallel loop everything runs on: chunks claimed one at a time by the workers.
@Suite("Parallel chunks")
struct ComputeTests {
    /// Every item is visited exactly once, in chunks of at most ⌈count / chunks⌉, and no two chunks run at
    /// the same time under the same worker number (which would make them share scratch memory).
    @Test(arguments: [(0, 4), (1, 1), (5, 3), (7, 64), (1000, 64), (4097, 5), (100, 1)])
    func visitsEachItemOnceAndNeverSharesAWorker(count: Int, chunks: Int) {
        struct Record { var visits: [Int]; var busy: [Bool]; var ranges: [Range<Int>] = []; var clash = false }
        let record = Mutex(Record(visits: Array(repeating: 0, count: count), busy: Array(repeating: false, count: Compute.threads)))
        Compute.parallelChunks(count, chunks: chunks) { worker, range in
            record.withLock { r in
                if worker < 0 || worker >= r.busy.count || r.busy[worker] { r.clash = true; return }
                r.busy[worker] = true
                r.ranges.append(range)
            }
            var spin = 0
            for _ in 0..<1000 { spin &+= 1 }  // long enough for the other workers to claim chunks meanwhile
            record.withLock { r in
                for i in range { r.visits[i] += 1 }
                r.busy[worker] = false
                _ = spin
            }
        }
        record.withLock { r in
            #expect(!r.clash, "a worker number out of range or used by two chunks at once")
            #expect(r.visits.allSatisfy { $0 == 1 }, "items visited other than once")
            let largest = count == 0 ? 0 : (count + min(max(1, chunks), count) - 1) / min(max(1, chunks), count)
            #expect(r.ranges.allSatisfy { $0.count <= largest && !$0.isEmpty })
        }
    }

    /// Each task runs once; inside a task a parallel loop stays on the task's thread, and after the tasks
    /// this thread's loops are free to spread again. (Whether they do spread depends on what else the
    /// machine runs: with the whole suite in parallel, one thread may claim every chunk.)
    @Test func tasksRunOnceAndKeepTheirLoopsOnTheirThread() {
        struct Record { var runs = [Int](repeating: 0, count: 5); var strayChunks = 0 }
        let record = Mutex(Record())
        Compute.parallelTasks(5) { task in
            let own = pthread_self()
            Compute.parallelChunks(64, chunks: 8) { worker, _ in
                if worker != 0 || pthread_equal(pthread_self(), own) == 0 { record.withLock { $0.strayChunks += 1 } }
            }
            record.withLock { $0.runs[task] += 1 }
        }
        record.withLock { r in
            #expect(r.runs == [1, 1, 1, 1, 1])
            #expect(r.strayChunks == 0, "a task's loop ran chunks on another thread")
        }
        #expect(!Compute.isSerialOnThisThread)
    }
}
