// The fastText-style text classifier: hashed word unigrams, word bigrams and character 3-5-grams averaged by
// an embedding bag, then a linear layer. One of the few translation units that include libtorch.

#include "activelearning/torch/backend.h"
#include "activelearning/torch/training.h"

#include <QString>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace gw::activelearning {

namespace {

constexpr int kBucketBits = 20; ///< 2^20 hash buckets, as fastText's default order of magnitude
constexpr uint32_t kBuckets = 1u << kBucketBits;
constexpr int64_t kDim = 64;
constexpr int kMinGram = 3, kMaxGram = 5;
constexpr size_t kMaxWordsPerText = 2000;     ///< a long document is represented by its beginning
constexpr double kDefaultLearningRate = 0.05; ///< Adagrad, which suits sparse features
constexpr size_t kScoringChunk = 4096;

/// 64-bit FNV-1a folded to a bucket; every feature starts with its kind so that a word, a bigram and a
/// character n-gram with the same letters land in different buckets.
class Fnv
{
public:
    explicit Fnv(uint8_t kind) { byte(kind); }
    void byte(uint8_t b)
    {
        m_hash ^= b;
        m_hash *= 1099511628211ull;
    }
    void codePoint(char32_t c)
    {
        for (int i = 0; i < 4; ++i)
            byte(uint8_t(uint32_t(c) >> (8 * i)));
    }
    void text(std::u32string_view s)
    {
        for (char32_t c : s)
            codePoint(c);
    }
    uint32_t bucket() const { return uint32_t((m_hash ^ (m_hash >> 32)) & (kBuckets - 1)); }

private:
    uint64_t m_hash = 14695981039346656037ull;
};

enum FeatureKind : uint8_t
{
    WordFeature = 1,
    BigramFeature = 2,
    CharGramFeature = 3
};

bool isWordCharacter(char32_t c)
{
    if (QChar::isLetterOrNumber(c))
        return true;
    const auto cat = QChar::category(c);
    return cat == QChar::Mark_NonSpacing || cat == QChar::Mark_SpacingCombining ||
           cat == QChar::Mark_Enclosing;
}

/// Lower-cased words: maximal runs of letters, digits and combining marks, in code points.
std::vector<std::u32string> words(const std::string &text)
{
    const QList<uint> cps = QString::fromStdString(text).toLower().toUcs4();
    std::vector<std::u32string> out;
    std::u32string current;
    for (uint c : cps) {
        if (isWordCharacter(char32_t(c))) {
            current.push_back(char32_t(c));
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
            if (out.size() == kMaxWordsPerText)
                return out;
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

/// The hashed buckets of one text, duplicates kept (the bag averages them, as fastText does).
std::vector<uint32_t> hashedFeatures(const std::string &text)
{
    const std::vector<std::u32string> ws = words(text);
    std::vector<uint32_t> out;
    std::u32string marked;
    for (size_t i = 0; i < ws.size(); ++i) {
        Fnv word(WordFeature);
        word.text(ws[i]);
        out.push_back(word.bucket());
        if (i > 0) {
            Fnv bigram(BigramFeature);
            bigram.text(ws[i - 1]);
            bigram.codePoint(U' ');
            bigram.text(ws[i]);
            out.push_back(bigram.bucket());
        }
        marked = U"<" + ws[i] + U">";
        for (int n = kMinGram; n <= kMaxGram; ++n) {
            for (size_t start = 0; start + size_t(n) <= marked.size(); ++start) {
                Fnv gram(CharGramFeature);
                gram.text(std::u32string_view(marked).substr(start, size_t(n)));
                out.push_back(gram.bucket());
            }
        }
    }
    return out;
}

struct TextNetImpl : torch::nn::Module
{
    TextNetImpl(int64_t vocabulary, int64_t classes)
        : bag(register_module(
              "bag", torch::nn::EmbeddingBag(
                         torch::nn::EmbeddingBagOptions(vocabulary, kDim).mode(torch::kMean).sparse(true)))),
          out(register_module("out", torch::nn::Linear(kDim, classes)))
    {
        // fastText's initialisation: small input vectors, a zero output layer.
        torch::NoGradGuard noGrad;
        bag->weight.uniform_(-1.0 / kDim, 1.0 / kDim);
        out->weight.zero_();
        out->bias.zero_();
    }
    torch::Tensor forward(const torch::Tensor &ids, const torch::Tensor &offsets)
    {
        return out->forward(bag->forward(ids, offsets));
    }

    torch::nn::EmbeddingBag bag;
    torch::nn::Linear out;
};
TORCH_MODULE(TextNet);

class TextClassifier final : public ItemClassifier
{
public:
    explicit TextClassifier(const std::vector<std::string> &texts)
    {
        // Hashing is the expensive part on large corpora: all cores, once, on threads of its own (Qt's global
        // pool is the painting's, see datasets/workpool.h, which this module does not link).
        QThreadPool pool;
        pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
        const std::vector<std::vector<uint32_t>> hashed =
            QtConcurrent::blockingMapped<std::vector<std::vector<uint32_t>>>(&pool, texts, hashedFeatures);
        // Buckets that occur are renumbered densely, so the embedding table holds only those rows: the same
        // collisions as 2^20 buckets at a fraction of the memory.
        std::vector<int32_t> dense(kBuckets, -1);
        m_offsets.reserve(texts.size() + 1);
        m_offsets.push_back(0);
        for (const auto &features : hashed) {
            for (uint32_t b : features) {
                if (dense[b] < 0) {
                    dense[b] = m_vocabulary++;
                    m_bucketOf.push_back(b);
                }
                m_ids.push_back(dense[b]);
            }
            m_offsets.push_back(int64_t(m_ids.size()));
        }
    }

    Result<TrainReport> train(const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                              const std::vector<int> &validationRows,
                              const std::vector<int> &validationLabels, int numClasses,
                              const ModelOptions &opt, const TrainProgress &progress) override
    {
        if (auto ok = checkArguments(trainRows, trainLabels, validationRows, validationLabels, numClasses,
                                     opt.maxEpochs);
            !ok)
            return fail(ok.error());
        const auto started = std::chrono::steady_clock::now();
        try {
            torch::AutoGradMode gradients(true); // whatever the calling thread's mode
            torch::manual_seed(opt.seed);
            torch::set_num_threads(std::max(1, opt.threads));
            TextNet net(std::max<int64_t>(1, m_vocabulary), numClasses);
            if (!opt.initialModel.empty()) {
                if (auto ok = warmStart(net, opt.initialModel, numClasses); !ok)
                    return fail(ok.error());
            }
            const double lr = opt.learningRate > 0 ? opt.learningRate : kDefaultLearningRate;
            torch::optim::Adagrad optimizer(net->parameters(), torch::optim::AdagradOptions(lr));
            auto report = torchtraining::earlyStoppingLoop(
                *net, trainRows.size(), !validationRows.empty(), opt,
                [&](const std::vector<int> &order) {
                    return trainEpoch(net, optimizer, trainRows, trainLabels, order, size_t(std::max(1, opt.batchSize)));
                },
                [&] { return evaluate(net, validationRows, validationLabels); }, progress);
            if (!report)
                return fail(report.error()); // cancelled: the previous model stays in place
            m_net = net;
            m_classes = numClasses;
            report->seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            return *report;
        } catch (const std::exception &e) {
            return fail(Error::internal(std::string("text model training failed: ") + e.what()));
        }
    }

    Result<std::vector<float>> logits(const std::vector<int> &rows) const override
    {
        if (!m_net)
            return fail(Error::invalid("the text model is not trained"));
        for (int r : rows) {
            if (r < 0 || r >= rowCount())
                return fail(Error::invalid("row " + std::to_string(r) + " is not one of the model's texts"));
        }
        try {
            return scores(m_net, rows);
        } catch (const std::exception &e) {
            return fail(Error::internal(std::string("text model scoring failed: ") + e.what()));
        }
    }

    Result<std::vector<float>> embeddings(const std::vector<int> &rows, int &dimension) const override
    {
        if (!m_net)
            return fail(Error::invalid("the text model is not trained"));
        for (int r : rows)
            if (r < 0 || r >= rowCount())
                return fail(Error::invalid("row " + std::to_string(r) + " is not one of the model's texts"));
        try {
            torch::NoGradGuard noGrad;
            std::vector<float> out;
            for (size_t begin = 0; begin < rows.size(); begin += kScoringChunk) {
                const size_t count = std::min(kScoringChunk, rows.size() - begin);
                const auto [ids, offsets] = bagInput(rows.data() + begin, count);
                TextNet net = m_net; // a handle: forward is not const
                const auto chunk = net->bag->forward(ids, offsets).contiguous(); // the averaged n-gram vectors
                out.insert(out.end(), chunk.data_ptr<float>(), chunk.data_ptr<float>() + chunk.numel());
            }
            dimension = int(kDim);
            return out;
        } catch (const std::exception &e) {
            return fail(Error::internal(std::string("text model features failed: ") + e.what()));
        }
    }

    int numClasses() const override { return m_classes; }

    /// The embedding rows are stored in hash-bucket order with the sorted bucket numbers, so the module
    /// scores any text hashed the same way; buckets it never saw are left out of the average.
    Result<> save(const std::string &path, const std::string &metadata) const override
    {
        if (!m_net)
            return fail(Error::invalid("the text model is not trained"));
        try {
            std::vector<int64_t> order(m_bucketOf.size());
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return m_bucketOf[size_t(a)] < m_bucketOf[size_t(b)]; });
            std::vector<int64_t> sorted;
            sorted.reserve(order.size());
            for (int64_t i : order)
                sorted.push_back(m_bucketOf[size_t(i)]);
            const auto index = torch::tensor(order, torch::kInt64);
            torch::jit::Module module("GroundworkTextClassifier");
            module.register_buffer("buckets", torch::tensor(sorted, torch::kInt64));
            module.register_parameter("embedding", m_net->bag->weight.detach().index_select(0, index).clone(), false);
            module.register_parameter("out_weight", m_net->out->weight.detach().clone(), false);
            module.register_parameter("out_bias", m_net->out->bias.detach().clone(), false);
            module.define(R"ts(
def features(self, buckets, offsets):
    n = self.buckets.size(0)
    pos = torch.clamp(torch.searchsorted(self.buckets, buckets), 0, n - 1)
    known = torch.eq(torch.index_select(self.buckets, 0, pos), buckets).float()
    summed = torch.embedding_bag(self.embedding, pos, offsets, False, 0, False, known, False)[0]
    bag = torch.bucketize(torch.arange(buckets.size(0)), offsets, right=True) - 1
    counts = torch.zeros([offsets.size(0)]).index_add(0, bag, known)
    return summed / torch.clamp(counts, min=1.0).unsqueeze(1)

def forward(self, buckets, offsets):
    return torch.linear(self.features(buckets, offsets), self.out_weight, self.out_bias)
)ts");
            torch::jit::ExtraFilesMap extra;
            extra["groundwork.json"] = metadata;
            extra["model.json"] =
                "{\"kind\": \"text-bag\", \"classes\": " + std::to_string(m_classes) +
                ", \"features\": {\"hash\": \"FNV-1a 64-bit over a kind byte (1 word, 2 word bigram, 3 character "
                "n-gram) then each code point as 4 little-endian bytes; bucket = (h ^ (h >> 32)) & (2^20 - 1)\", "
                "\"words\": \"lower-cased runs of letters, digits and combining marks, at most 2000\", "
                "\"bigrams\": \"previous word, space, word\", \"char_ngrams\": \"3 to 5 code points of <word>\", "
                "\"order\": \"per word: word, bigram with the previous word, its character n-grams\"}}";
            module.save(path, extra);
            return {};
        } catch (const std::exception &e) {
            return fail(Error::io(path + ": writing the model failed: " + e.what()));
        }
    }

private:
    /// Starts from a saved text model: the rows of buckets it knows, and its class layer.
    Result<> warmStart(TextNet &net, const std::string &path, int numClasses) const
    {
        try {
            torch::jit::ExtraFilesMap extra{{"model.json", ""}};
            torch::jit::Module module = torch::jit::load(path, c10::nullopt, extra);
            if (extra["model.json"].find("\"kind\": \"text-bag\"") == std::string::npos)
                return fail(Error::invalid(path + ": not a text model of Groundwork"));
            const torch::Tensor buckets = module.attr("buckets").toTensor().contiguous();
            const torch::Tensor embedding = module.attr("embedding").toTensor();
            const torch::Tensor outWeight = module.attr("out_weight").toTensor();
            if (outWeight.size(0) != numClasses)
                return fail(Error::invalid(path + ": the model has " + std::to_string(outWeight.size(0)) +
                                           " classes, this job has " + std::to_string(numClasses)));
            torch::NoGradGuard noGrad;
            const int64_t *first = buckets.data_ptr<int64_t>(), *last = first + buckets.numel();
            for (size_t d = 0; d < m_bucketOf.size(); ++d) {
                const int64_t *at = std::lower_bound(first, last, int64_t(m_bucketOf[d]));
                if (at != last && *at == int64_t(m_bucketOf[d]))
                    net->bag->weight[int64_t(d)].copy_(embedding[at - first]);
            }
            net->out->weight.copy_(outWeight);
            net->out->bias.copy_(module.attr("out_bias").toTensor());
            return {};
        } catch (const std::exception &e) {
            return fail(Error::invalid(path + ": cannot start from this model: " + e.what()));
        }
    }

    int rowCount() const { return int(m_offsets.size()) - 1; }

    Result<> checkArguments(const std::vector<int> &trainRows, const std::vector<int> &trainLabels,
                            const std::vector<int> &validationRows, const std::vector<int> &validationLabels,
                            int numClasses, int maxEpochs) const
    {
        if (numClasses < 2)
            return fail(Error::invalid("training needs at least two classes"));
        if (maxEpochs < 1)
            return fail(Error::invalid("training needs at least one epoch"));
        if (trainRows.empty())
            return fail(Error::invalid("training needs labeled texts"));
        if (trainRows.size() != trainLabels.size() || validationRows.size() != validationLabels.size())
            return fail(Error::invalid("every training and validation row needs one label"));
        for (const auto *rows : {&trainRows, &validationRows}) {
            for (int r : *rows) {
                if (r < 0 || r >= rowCount())
                    return fail(
                        Error::invalid("row " + std::to_string(r) + " is not one of the model's texts"));
            }
        }
        for (const auto *labels : {&trainLabels, &validationLabels}) {
            for (int l : *labels) {
                if (l < 0 || l >= numClasses)
                    return fail(Error::invalid("label " + std::to_string(l) + " is outside 0.." +
                                               std::to_string(numClasses - 1)));
            }
        }
        return {};
    }

    /// One pass over the training rows in the given order, in minibatches; the mean training loss.
    double trainEpoch(TextNet &net, torch::optim::Optimizer &optimizer, const std::vector<int> &trainRows,
                    const std::vector<int> &trainLabels, const std::vector<int> &order, size_t batch) const
    {
        double lossSum = 0;
        for (size_t begin = 0; begin < order.size(); begin += batch) {
            std::vector<int> rows;
            std::vector<int64_t> labels;
            for (size_t i = begin; i < std::min(order.size(), begin + batch); ++i) {
                rows.push_back(trainRows[size_t(order[i])]);
                labels.push_back(trainLabels[size_t(order[i])]);
            }
            const auto [ids, offsets] = bagInput(rows.data(), rows.size());
            const auto loss = torch::nn::functional::cross_entropy(net->forward(ids, offsets),
                                                                   torch::tensor(labels, torch::kInt64));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum += loss.item<double>() * double(rows.size());
        }
        return order.empty() ? 0.0 : lossSum / double(order.size());
    }

    /// EmbeddingBag's flat input: the ids of all rows, and where each row starts.
    std::pair<torch::Tensor, torch::Tensor> bagInput(const int *rows, size_t count) const
    {
        std::vector<int64_t> ids, offsets;
        offsets.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            offsets.push_back(int64_t(ids.size()));
            const auto r = size_t(rows[i]);
            ids.insert(ids.end(), m_ids.begin() + m_offsets[r], m_ids.begin() + m_offsets[r + 1]);
        }
        return {torch::tensor(ids, torch::kInt64), torch::tensor(offsets, torch::kInt64)};
    }

    std::vector<float> scores(TextNet net, const std::vector<int> &rows) const
    {
        torch::NoGradGuard noGrad;
        std::vector<float> out;
        out.reserve(rows.size() * size_t(m_classes > 0 ? m_classes : 2));
        for (size_t begin = 0; begin < rows.size(); begin += kScoringChunk) {
            const size_t count = std::min(kScoringChunk, rows.size() - begin);
            const auto [ids, offsets] = bagInput(rows.data() + begin, count);
            const auto chunk = net->forward(ids, offsets).contiguous();
            out.insert(out.end(), chunk.data_ptr<float>(), chunk.data_ptr<float>() + chunk.numel());
        }
        return out;
    }

    /// Mean cross-entropy and accuracy on labelled rows.
    std::pair<double, double> evaluate(TextNet net, const std::vector<int> &rows,
                                       const std::vector<int> &labels) const
    {
        const std::vector<float> raw = scores(net, rows);
        const int64_t n = int64_t(rows.size());
        const auto logits = torch::from_blob(const_cast<float *>(raw.data()), {n, int64_t(raw.size()) / n});
        const auto target = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()), torch::kInt64);
        const double loss = torch::nn::functional::cross_entropy(logits, target).item<double>();
        const double accuracy = logits.argmax(1).eq(target).to(torch::kFloat64).mean().item<double>();
        return {loss, accuracy};
    }

    std::vector<int32_t> m_ids;     ///< dense feature ids of all texts, back to back
    std::vector<int64_t> m_offsets; ///< where each text's ids start; one more than texts
    int32_t m_vocabulary = 0;       ///< distinct buckets in the corpus
    std::vector<uint32_t> m_bucketOf; ///< the hash bucket of each dense id
    TextNet m_net{nullptr};
    int m_classes = 0;
};

} // namespace

std::unique_ptr<ItemClassifier> torchbackend::makeText(std::vector<std::string> texts)
{
    return std::make_unique<TextClassifier>(texts);
}

} // namespace gw::activelearning
