#pragma once

// An annotator as a process of its own, for the tests and the benchmark of handing out work: it opens the
// project, takes one item at a time (ProjectStore::takeWork), answers it and takes the next, until every item
// has its answers (or it gave MAX_ANSWERS). When all that is left is held by others it waits for their leases to
// run out or for them to answer. It prints how many items it answered, the median and the longest time a
// takeWork call took (µs), then exits. The same binary runs it when started as
//
//   <binary> --worker-loop PROJECT JOB WORKER LEASE_MS [QUIT_AFTER [MAX_ANSWERS]]
//
// QUIT_AFTER > 0: take that many items and leave without answering (a worker who walks away).

#include "datasets/projectstore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace gw::test {

inline bool isWorkerLoop(int argc, char **argv)
{
    return argc >= 6 && std::strcmp(argv[1], "--worker-loop") == 0;
}

inline int workerLoopMain(int argc, char **argv)
{
    using namespace gw::datasets;
    const std::string project = argv[2], jobName = argv[3], worker = argv[4];
    const int64_t leaseUs = std::stoll(argv[5]) * 1000;
    const int quitAfter = argc > 6 ? std::atoi(argv[6]) : 0;
    const int64_t maxAnswers = argc > 7 ? std::atoll(argv[7]) : -1;
    auto store = ProjectStore::open(project, ProjectStore::OpenMode::OpenExisting);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    auto job = (*store)->job(jobName);
    if (!job) {
        std::fprintf(stderr, "%s\n", job.error().message.c_str());
        return 1;
    }
    if (quitAfter > 0) {
        auto taken = (*store)->takeWork(job->id, worker, quitAfter, leaseUs);
        std::printf("0 0 0\n");
        return taken ? 0 : 1;
    }
    const size_t h = std::hash<std::string>()(worker);
    int64_t answered = 0;
    std::vector<int64_t> takeUs;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline && answered != maxAnswers) {
        const auto t0 = std::chrono::steady_clock::now();
        auto taken = (*store)->takeWork(job->id, worker, 1, leaseUs);
        takeUs.push_back(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
                             .count());
        if (!taken) {
            std::fprintf(stderr, "%s: %s\n", worker.c_str(), taken.error().message.c_str());
            return 1;
        }
        if (taken->empty()) {
            auto p = (*store)->workProgress(job->id);
            if (!p)
                return 1;
            if (p->leased == 0)
                break; // nothing held by anyone: the job is done for this worker
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        Annotation a;
        a.jobId = job->id;
        a.itemId = taken->front().itemId;
        a.payload.classes = {job->classes[(size_t(a.itemId) + h) % job->classes.size()].id};
        a.provenance.source = Source::Human;
        a.provenance.author = worker;
        a.provenance.createdUs = nowUs();
        a.provenance.timeSpentMs = 1;
        auto tx = (*store)->begin();
        if (!tx || !(*tx)->putAnnotation(a) || !(*tx)->commit()) {
            std::fprintf(stderr, "%s: cannot store the answer to item %lld\n", worker.c_str(),
                         static_cast<long long>(a.itemId));
            return 1;
        }
        ++answered;
    }
    std::sort(takeUs.begin(), takeUs.end());
    std::printf("%lld %lld %lld\n", static_cast<long long>(answered),
                static_cast<long long>(takeUs.empty() ? 0 : takeUs[takeUs.size() / 2]),
                static_cast<long long>(takeUs.empty() ? 0 : takeUs.back()));
    return 0;
}

/// Starts a worker loop of this very binary.
inline QProcess *startWorkerLoop(const QString &project, const QString &job, const QString &worker, int leaseMs,
                                 int quitAfter = 0, int64_t maxAnswers = -1)
{
    auto *p = new QProcess;
    p->start(QCoreApplication::applicationFilePath(),
             {QStringLiteral("--worker-loop"), project, job, worker, QString::number(leaseMs),
              QString::number(quitAfter), QString::number(maxAnswers)});
    return p;
}

} // namespace gw::test
