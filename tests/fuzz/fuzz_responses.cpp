// Ground Truth worker-response folders (worker-response/iteration-N/INDEX/*.json, packed as "--gwfile" files)
// read into a single-label classification job of 302 items, then consolidated: malformed JSON, odd answers,
// indexes past the items, unknown classes and hostile folder names must be refused with a message, never crash.

#include "datasets/workeranswers.h"
#include "fuzzutil.h"

using namespace gw;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Scratch s;
    datasets::Job job;
    job.name = "birds";
    job.type = datasets::TaskType::ImageClassification;
    int id = 0;
    for (const char *c : {"Duck", "Sparrow", "Woodpecker", "Owl", "Parrot", "Turkey", "Falcon", "Swan", "Goose", "Canary"})
        job.classes.push_back({id++, c, "#336699", "", {}});
    auto created = s.store->createJob(job);
    if (!created)
        std::abort();
    {
        auto tx = s.store->begin();
        for (int i = 0; i < 302; ++i) {
            datasets::Item it;
            it.uri = "img" + std::to_string(i) + ".jpg";
            (void)(*tx)->addItem(it);
        }
        (void)(*tx)->commit();
    }
    const fuzz::fs::path dir = s.dir / "responses" / "worker-response";
    fuzz::unpack(std::string_view(reinterpret_cast<const char *>(data), size), dir);
    if (datasets::importWorkerResponses(*s.store, *created, (s.dir / "responses").string()))
        (void)datasets::consolidateJob(*s.store, *created, datasets::ConsolidationMethod::DawidSkene, "fuzz");
    return 0;
}
