#pragma once

// The thread pool for Groundwork's own background work (counts, queues, imports, decoding in bulk).
//
// Never Qt's global pool: in Qt 6.4 the raster paint engine splits large fills and image conversions over
// QThreadPool::globalInstance() and waits for them, so long work queued there freezes every repaint until it
// ends (seen: a 1,000,000-item project took 2 s to show its first image while two counts held the global
// pool). Short, latency-bound decoding (the canvas image, thumbnails) keeps pools of its own.

class QThreadPool;

namespace gw {

/// As many threads as cores; tasks that wait on each other must not all run here (blocking QtConcurrent
/// calls are fine: the calling thread takes part).
QThreadPool *workPool();

} // namespace gw
