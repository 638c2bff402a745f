import Expression
import Foundation
import Imaging
import NeuralNet
import Synchronization

/// The "why" maps, computed on a thread of their own so that the render loop never waits for one (a map of the
/// shipped pair takes longer than a frame). Requests go through a latest-value slot: when the user moves on
/// before a map is done, only the newest face is explained next. The newest answer waits for the render loop.
/// The explainer is used on this worker's thread only.
public final class ExplanationWorker: @unchecked Sendable {
    private struct Answer: Sendable {
        /// The ticket `submit` returned for the request.
        let ticket: Int
        let explanation: FaceExplainer.Explanation
    }

    private struct Request: Sendable {
        let ticket: Int
        let face: GrayImage
        let emotion: Emotion?
    }

    private let explainer: FaceExplainer
    private let requests = LatestSlot<Request>()
    private let answers = Mutex<Answer?>(nil)
    private let tickets = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let worker = WorkerThread()
    private let started = Atomic<Bool>(false)

    public init(explainer: FaceExplainer) {
        self.explainer = explainer
    }

    /// Asks for the map of `face` (any size) for `emotion` (else the explainer's prediction); returns the ticket
    /// its answer will carry. Never blocks; the thread starts with the first request.
    @discardableResult
    public func submit(_ face: GrayImage, emotion: Emotion? = nil) -> Int {
        let ticket = tickets.add(1, ordering: .relaxed).newValue
        requests.put(Request(ticket: ticket, face: face, emotion: emotion))
        if !started.exchange(true, ordering: .relaxed) {
            worker.start(name: "emoscope.explain", niceness: 10) { [self] in run() }
        }
        return ticket
    }

    /// Where the request with `ticket` stands.
    public enum Status {
        case answered(FaceExplainer.Explanation)
        case working
        /// A newer request came first (from anywhere): this answer will never come, or is gone.
        case superseded
    }

    public func status(of ticket: Int) -> Status {
        let newest = tickets.load(ordering: .relaxed)
        return answers.withLock { answer in
            if let answer, answer.ticket == ticket { return .answered(answer.explanation) }
            return ticket < newest ? .superseded : .working
        }
    }

    /// Asks the thread to stop and waits (up to 5 s) until it has.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        requests.close()
        worker.join()
    }

    private func run() {
        var seen = 0
        while !stopping.load(ordering: .relaxed) {
            guard let (request, version) = requests.next(after: seen, timeout: 0.1) else { continue }
            seen = version
            // On this thread alone, below the others: a map may come a little later, the frames must not.
            let explanation = Compute.serially { explainer.explain(request.face, emotion: request.emotion) }
            answers.withLock { $0 = Answer(ticket: request.ticket, explanation: explanation) }
        }
    }
}
