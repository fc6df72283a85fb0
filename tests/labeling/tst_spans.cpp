// Named-entity spans without a window: code points versus UTF-16, word snapping, overlap, retype, delete.

#include "labeling/tools/spaneditor.h"

#include <QTest>

using namespace gw;
using namespace gw::datasets;
using namespace gw::labeling;

namespace {

Job nerJob(bool overlap = false)
{
    Job j;
    j.name = "ner";
    j.type = TaskType::NamedEntityRecognition;
    j.allowOverlap = overlap;
    j.classes = {{0, "PER", "#d62728", "1", {}}, {1, "LOC", "#1f77b4", "2", {}}, {2, "DATE", "#2ca02c", "3", {}}};
    return j;
}

// "🎉 Zoë moved to 東京 in 2021." — the emoji is two UTF-16 units but one code point.
const QString kText = QString::fromUtf8("\xF0\x9F\x8E\x89 Zo\xC3\xAB moved to \xE6\x9D\xB1\xE4\xBA\xAC in 2021.");

} // namespace

class TestSpans : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void codePointsAndUtf16()
    {
        SpanEditor e;
        e.setText(kText);
        QCOMPARE(e.codePointCount(), int64_t(kText.size() - 1));
        QCOMPARE(e.utf16At(2), 3);    // after the emoji and the space
        QCOMPARE(e.codePointAt(3), int64_t(2));
        QCOMPARE(e.utf16At(e.codePointCount()), int(kText.size()));
    }

    void snappingToWords_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<QString>("expected");
        QTest::newRow("inside a word") << 4 << 5 << QString::fromUtf8("Zo\xC3\xAB");
        QTest::newRow("across words") << 5 << 10 << QString::fromUtf8("Zo\xC3\xAB moved");
        QTest::newRow("trailing space dropped") << 3 << 7 << QString::fromUtf8("Zo\xC3\xAB");
        // Without a dictionary each ideograph is a word of its own: a drag over both keeps both.
        QTest::newRow("CJK one") << 16 << 17 << QString::fromUtf8("\xE6\x9D\xB1");
        QTest::newRow("CJK two") << 16 << 18 << QString::fromUtf8("\xE6\x9D\xB1\xE4\xBA\xAC");
    }
    void snappingToWords()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(QString, expected);
        SpanEditor e;
        e.setText(kText);
        const auto [a, b] = e.snapToWords(from, to);
        QCOMPARE(kText.mid(a, b - a), expected);
    }

    void addRetypeDeleteInCodePoints()
    {
        SpanEditor e;
        e.setText(kText);
        const Job job = nerJob();
        const int zoe = int(kText.indexOf(QStringLiteral("Zo")));
        auto add = e.addSpan(zoe, zoe + 3, 0, job);
        QVERIFY(add);
        QCOMPARE(add->payload.spans.size(), size_t(1));
        QCOMPARE(add->payload.spans[0].start, int64_t(2)); // code points: the emoji counts once
        QCOMPARE(add->payload.spans[0].end, int64_t(5));
        QCOMPARE(e.selected(), 0);
        const int tokyo = int(kText.indexOf(QString::fromUtf8("\xE6\x9D\xB1")));
        auto loc = e.addSpan(tokyo, tokyo + 2, 1, job);
        QVERIFY(loc);
        QCOMPARE(loc->payload.spans[1].start, int64_t(15));
        QCOMPARE(loc->payload.spans[1].end, int64_t(17));
        // Overlap refused, unless the job allows it.
        auto overlap = e.addSpan(zoe + 1, zoe + 10, 2, job);
        QVERIFY(!overlap);
        // Said with the marked text and its class, not in offsets.
        const QString why = QString::fromStdString(overlap.error().message);
        QVERIFY2(why.contains(QStringLiteral("overlaps \u201c") + kText.mid(zoe, 3) + QStringLiteral("\u201d (")),
                 qPrintable(why));
        QVERIFY2(!why.contains(QLatin1Char('[')) && !why.contains(QStringLiteral(", 5)")), qPrintable(why));
        SpanEditor loose;
        loose.setText(kText);
        loose.setPayload(loc->payload);
        QVERIFY(loose.addSpan(zoe + 1, zoe + 10, 2, nerJob(true)));
        // Retype and delete the selected span.
        e.setPayload(loc->payload);
        e.select(*e.spanAt(tokyo + 1));
        auto retyped = e.retypeSelected(2, job);
        QVERIFY(retyped);
        QCOMPARE(retyped->payload.spans[1].classId, 2);
        e.setPayload(retyped->payload);
        e.select(0);
        auto deleted = e.deleteSelected(job);
        QVERIFY(deleted);
        QCOMPARE(deleted->payload.spans.size(), size_t(1));
        QCOMPARE(deleted->payload.spans[0].classId, 2);
        QVERIFY(!e.addSpan(3, 3, 0, job)); // nothing selected
    }
};

QTEST_GUILESS_MAIN(TestSpans)
#include "tst_spans.moc"
