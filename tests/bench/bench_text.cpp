// Benchmark: a 100,000-character document with 2,000 entity spans in the text view — time to show it, to
// repaint, and to add one more span (the label action an annotator waits for).
//
//   build/tests/bench/bench_text [CHARACTERS] [SPANS]
//
// Target: every step well under a frame budget of ~50 ms.

#include "benchfigure.h"
#include "labeling/tools/spaneditor.h"
#include "ui/textlabelview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>

#include <cstdio>

using namespace gw;

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int chars = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int spanCount = argc > 2 ? std::atoi(argv[2]) : 2000;
    QString text;
    for (int i = 0; text.size() < chars; ++i)
        text += QStringLiteral("Sentence %1 mentions Zoë in Paris, 東京 and القاهرة 🎉.%2").arg(i).arg(i % 8 == 7 ? QStringLiteral("\n") : QStringLiteral(" "));
    datasets::Job job;
    job.type = datasets::TaskType::NamedEntityRecognition;
    job.classes = {{0, "PER", "#d62728", "1", {}}, {1, "LOC", "#1f77b4", "2", {}}};
    labeling::SpanEditor editor;
    editor.setText(text);
    datasets::Payload p;
    int from = 0;
    for (int i = 0; i < spanCount; ++i) {
        from = int(text.indexOf(QStringLiteral("Paris"), from));
        if (from < 0)
            break;
        p.spans.push_back({1, editor.codePointAt(from), editor.codePointAt(from + 5), std::nullopt});
        from += 5;
    }
    editor.setPayload(p);
    ui::TextLabelView view;
    view.resize(1100, 800);
    view.show();
    QElapsedTimer t;
    t.start();
    view.setSpans(&editor, &job);
    view.repaint();
    const double showMs = t.nsecsElapsed() / 1e6;
    t.restart();
    view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum() / 2);
    view.repaint();
    const double scrollMs = t.nsecsElapsed() / 1e6;
    const int zoe = int(text.lastIndexOf(QString::fromUtf8("Zoë")));
    t.restart();
    auto edit = editor.addSpan(zoe, zoe + 3, 0, job);
    editor.setPayload(edit->payload);
    view.refreshSpans();
    view.repaint();
    const double labelMs = t.nsecsElapsed() / 1e6;
    std::printf("%lld characters, %zu spans\n", static_cast<long long>(text.size()), p.spans.size());
    std::printf("show the document       %7.1f ms (target < 100 ms) %s\n", showMs, showMs < 100 ? "ok" : "MISSED");
    std::printf("scroll to the middle    %7.1f ms (target < 50 ms) %s\n", scrollMs, scrollMs < 50 ? "ok" : "MISSED");
    std::printf("add a span and repaint  %7.1f ms (target < 50 ms) %s\n", labelMs, labelMs < 50 ? "ok" : "MISSED");
    using gw::bench::Better;
    bool ok = gw::bench::figure("text", "show a 100,000-character document", showMs, "ms", Better::Lower, 100);
    ok &= gw::bench::figure("text", "scroll to the middle", scrollMs, "ms", Better::Lower, 50);
    ok &= gw::bench::figure("text", "add a span and repaint", labelMs, "ms", Better::Lower, 50);
    return ok ? 0 : 2;
}
