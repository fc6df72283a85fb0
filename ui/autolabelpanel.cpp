#include "ui/plural.h"
#include "ui/autolabelpanel.h"
#include "datasets/workpool.h"

#include "datasets/projectstore.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPen>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTime>
#include <QUrl>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <QtConcurrent/QtConcurrentRun>

namespace gw::ui {

using namespace gw::datasets;
using namespace gw::activelearning;

struct AutoLabelPanel::Outcome
{
    std::optional<Error> error;
    std::optional<IterationReport> report; ///< the round just run, or the job's last one
    std::vector<int64_t> queue;
};

namespace {

QString number(int64_t n)
{
    return QLocale().toString(qlonglong(n));
}

QString items(int64_t n)
{
    return n == 1 ? AutoLabelPanel::tr("1 item") : AutoLabelPanel::tr("%1 items").arg(number(n));
}

QString fixed(double v, int decimals = 3)
{
    return QString::number(v, 'f', decimals);
}

} // namespace

AutoLabelPanel::AutoLabelPanel(QWidget *parent) : QWidget(parent)
{
    m_on = new QCheckBox(tr("Label automatically"));
    m_on->setToolTip(tr("Train on people's labels, auto-label the items the model is sure about and queue the "
                        "uncertain ones for people, round after round."));
    m_target = new QDoubleSpinBox;
    m_target->setRange(0.5, 0.999);
    m_target->setDecimals(3);
    m_target->setSingleStep(0.01);
    m_target->setValue(0.95);
    m_target->setToolTip(tr("Required accuracy of auto-labels: a confidence threshold is used only when the 95% "
                            "lower bound of the validation accuracy above it reaches this."));
    m_runNow = new QPushButton(tr("Run a round now"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(10);
    m_progress->hide();
    for (QWidget *w : std::initializer_list<QWidget *>{m_on, m_target, m_runNow, m_cancel})
        w->setFocusPolicy(Qt::NoFocus); // keys belong to labelling

    auto make = [] {
        auto *l = new QLabel(QStringLiteral("–"));
        l->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return l;
    };
    m_people = make();
    m_auto = make();
    m_waiting = make();
    m_unlabeled = make();
    m_threshold = make();
    m_estimated = make();
    m_audited = make();

    m_accuracy = new QLineSeries;
    m_accuracy->setName(tr("accuracy"));
    m_bound = new QLineSeries;
    m_bound->setName(tr("95% bound"));
    m_bound->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 1.5, Qt::DashLine));
    m_accuracy->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    m_targetLine = new QLineSeries;
    m_targetLine->setName(tr("target"));
    m_targetLine->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5, Qt::DotLine));
    m_chosen = new QLineSeries;
    m_chosen->setName(tr("threshold"));
    m_chosen->setPen(QPen(QColor(0x2c, 0xa0, 0x2c), 1.5));
    auto *chart = new QChart;
    for (QLineSeries *s : {m_accuracy, m_bound, m_targetLine, m_chosen})
        chart->addSeries(s);
    auto *x = new QValueAxis;
    x->setRange(0, 1);
    x->setTitleText(tr("Confidence threshold"));
    x->setLabelFormat(QStringLiteral("%.1f"));
    x->setTickCount(6);
    auto *y = new QValueAxis;
    y->setRange(0.5, 1);
    y->setTitleText(tr("Validation accuracy above"));
    y->setLabelFormat(QStringLiteral("%.2f"));
    y->setTickCount(6);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries *s : {m_accuracy, m_bound, m_targetLine, m_chosen}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->legend()->hide(); // too narrow in a dock: the caption below says what the lines are
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    m_chartView = new QChartView(chart);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(260);

    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(m_on);
    top->addStretch();
    top->addWidget(new QLabel(tr("Target")));
    top->addWidget(m_target);
    layout->addLayout(top);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runNow);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignLeft);
    form->addRow(tr("Labeled by people"), m_people);
    form->addRow(tr("Labeled automatically"), m_auto);
    form->addRow(tr("Waiting for people"), m_waiting);
    form->addRow(tr("Not labeled yet"), m_unlabeled);
    form->addRow(tr("Confidence threshold"), m_threshold);
    form->addRow(tr("Estimated accuracy"), m_estimated);
    form->addRow(tr("Audited accuracy"), m_audited);
    layout->addLayout(form);
    layout->addWidget(m_chartView, 1);
    auto *caption = new QLabel(tr("<span style='color:#1f77b4'>━</span> validation accuracy above the threshold, "
                                  "<span style='color:#1f77b4'>╍</span> its 95% lower bound, "
                                  "<span style='color:#d62728'>┄</span> target, "
                                  "<span style='color:#2ca02c'>┃</span> threshold in use"));
    caption->setWordWrap(true);
    layout->addWidget(caption);

    connect(m_on, &QCheckBox::toggled, this, [this](bool on) {
        saveSettings();
        updateControls();
        if (on && m_job && !isBusy())
            launch(Work::Start);
    });
    connect(m_target, &QDoubleSpinBox::valueChanged, this, [this] {
        saveSettings();
        showChart(m_report);
    });
    connect(m_runNow, &QPushButton::clicked, this, [this] { runRound(); });
    connect(m_cancel, &QPushButton::clicked, this, &AutoLabelPanel::cancel);
    setJob({}, std::nullopt);
}

AutoLabelPanel::~AutoLabelPanel()
{
    if (m_watcher) {
        cancel();
        m_watcher->disconnect(this);
        m_watcher->waitForFinished();
    }
}

QChart *AutoLabelPanel::chart() const
{
    return m_chartView->chart();
}

QString AutoLabelPanel::statusText() const
{
    return m_status->text();
}

bool AutoLabelPanel::isOn() const
{
    return m_on->isChecked();
}

void AutoLabelPanel::setOn(bool on)
{
    m_on->setChecked(on);
}

double AutoLabelPanel::target() const
{
    return m_target->value();
}

void AutoLabelPanel::setTarget(double target)
{
    m_target->setValue(target);
}

bool AutoLabelPanel::isBusy() const
{
    return m_watcher != nullptr;
}

QString AutoLabelPanel::settingsKey(const char *name) const
{
    return QStringLiteral("autolabel/%1/%2/%3")
        .arg(QString::fromUtf8(QUrl::toPercentEncoding(m_storePath)),
             m_job ? QString::fromStdString(m_job->name) : QString(), QLatin1String(name));
}

void AutoLabelPanel::saveSettings() const
{
    if (!m_job)
        return;
    QSettings settings;
    settings.setValue(settingsKey("on"), isOn());
    settings.setValue(settingsKey("target"), target());
}

void AutoLabelPanel::setJob(const QString &storePath, const std::optional<Job> &job)
{
    if (m_watcher) {
        cancel();
        m_watcher->disconnect(this);
        m_watcher->waitForFinished(); // a round of another job: its results are its own
        delete m_watcher;
        m_watcher = nullptr;
        Q_EMIT busyChanged(false);
    }
    m_storePath = storePath;
    m_job = job && AutoLabeler::supports(*job) ? job : std::nullopt;
    m_queue.clear();
    m_waitingForPeople.clear();
    m_again = false;
    show(IterationReport{});
    {
        const QSignalBlocker blockOn(m_on), blockTarget(m_target);
        QSettings settings;
        m_on->setChecked(m_job && settings.value(settingsKey("on"), false).toBool());
        m_target->setValue(m_job ? settings.value(settingsKey("target"), 0.95).toDouble() : 0.95);
    }
    if (!job)
        setStatus(tr("Choose a job."));
    else if (!m_job)
        setStatus(tr("Automated labeling handles single-label image and text classification jobs."));
    else
        setStatus(tr("Reading the job's last round…"));
    updateControls();
    Q_EMIT queueChanged();
    if (m_job)
        launch(Work::Queue);
}

bool AutoLabelPanel::runRound()
{
    if (!m_job)
        return false;
    if (isBusy()) {
        m_again = m_work != Work::Round; // a round after the queue or the samples are read
        return false;
    }
    launch(Work::Round);
    return true;
}

void AutoLabelPanel::cancel()
{
    m_again = false;
    if (m_cancelFlag)
        m_cancelFlag->store(true);
}

void AutoLabelPanel::noteHumanLabel(int64_t itemId)
{
    if (!m_waitingForPeople.remove(itemId) || !m_waitingForPeople.isEmpty())
        return;
    if (isOn() && !isBusy())
        launch(Work::Round);
}

void AutoLabelPanel::launch(Work work)
{
    if (!m_job || m_watcher)
        return;
    m_work = work;
    m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
    LoopOptions options = m_options;
    options.target = target();
    auto *watcher = new QFutureWatcher<std::shared_ptr<Outcome>>(this);
    m_watcher = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, &AutoLabelPanel::finished);
    QPointer<AutoLabelPanel> self(this);
    auto progress = [self, cancel = m_cancelFlag](const EpochReport &e) {
        QMetaObject::invokeMethod(
            self.data(), [self, epoch = e.epoch, maxEpochs = e.maxEpochs] {
                if (self)
                    self->onProgress(epoch, maxEpochs);
            },
            Qt::QueuedConnection);
        return !cancel->load();
    };
    watcher->setFuture(QtConcurrent::run(workPool(), [path = m_storePath.toStdString(), job = *m_job, options, work,
                                          progress]() {
        auto out = std::make_shared<Outcome>();
        auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
        if (!store) {
            out->error = store.error();
            return out;
        }
        AutoLabeler labeler(**store, job, options);
        if (work == Work::Start) {
            if (auto r = labeler.start(); !r)
                out->error = r.error();
        } else if (work == Work::Round) {
            if (auto r = labeler.iterate(progress))
                out->report = *r;
            else
                out->error = r.error();
        }
        if (!out->report) // the figures of the job's last round
            if (auto runs = (*store)->runs(job.id))
                for (auto r = runs->rbegin(); r != runs->rend(); ++r)
                    if (r->kind == "autolabel" && r->status == "done") {
                        out->report = AutoLabeler::reportOf(*r);
                        break;
                    }
        if (auto queue = labeler.humanQueue())
            out->queue = std::move(*queue);
        return out;
    }));
    switch (work) {
    case Work::Queue: break;
    case Work::Start: setStatus(tr("Drawing the random samples people label first…")); break;
    case Work::Round:
        setStatus(tr("Round %1: preparing the model…").arg(m_report.iteration + 1));
        m_progress->setRange(0, 0);
        m_progress->show();
        break;
    }
    updateControls();
    Q_EMIT busyChanged(true);
}

void AutoLabelPanel::onProgress(int epoch, int maxEpochs)
{
    if (!m_watcher || m_work != Work::Round)
        return;
    m_progress->setRange(0, maxEpochs);
    m_progress->setValue(epoch);
    setStatus(m_cancelFlag && m_cancelFlag->load()
                  ? tr("Cancelling…")
                  : tr("Round %1: training, epoch %2 of at most %3")
                        .arg(m_report.iteration + 1)
                        .arg(epoch)
                        .arg(maxEpochs));
}

void AutoLabelPanel::finished()
{
    auto *watcher = m_watcher;
    m_watcher = nullptr;
    const std::shared_ptr<Outcome> out = watcher->result();
    watcher->deleteLater();
    const Work work = m_work;
    m_progress->hide();
    m_queue = out->queue;
    m_waitingForPeople = QSet<int64_t>(m_queue.begin(), m_queue.end());
    if (out->report)
        show(*out->report);
    const QString waiting = m_queue.size() == 1 ? tr("1 item waits for people")
                                                : tr("%1 wait for people").arg(items(int64_t(m_queue.size())));
    if (out->error) {
        const bool cancelled = out->error->code == Error::Code::Cancelled;
        setStatus(cancelled ? tr("Round cancelled; the previous auto-labels stay. %1.").arg(waiting)
                            : tr("The round failed: %1").arg(QString::fromStdString(out->error->message)));
    } else if (work == Work::Round) {
        const IterationReport &r = m_report;
        QString text = tr("Round %1 done at %2: %3 auto-labeled this round, %4.")
                           .arg(r.iteration)
                           .arg(QTime::currentTime().toString(QStringLiteral("HH:mm")))
                           .arg(number(r.autoLabeledNow))
                           .arg(waiting);
        if (!r.note.empty())
            text += QLatin1Char(' ') + QString::fromStdString(r.note) + QLatin1Char('.');
        if (r.unreadable)
            text += QLatin1Char(' ') + tr("%1 could not be read and are left out.")
                                          .arg(plural(qint64(r.unreadable), tr("%1 image"), tr("%1 images")));
        if (r.startModelRun)
            text += QLatin1Char(' ') + tr("The model started from run %1's.").arg(r.startModelRun);
        if (!r.startModelNote.empty())
            text += QLatin1Char(' ') + tr("The chosen start model was not used: %1.").arg(QString::fromStdString(r.startModelNote));
        if (r.stop)
            text += QLatin1Char(' ') + tr("Finished: %1.").arg(QString::fromStdString(r.stopReason));
        setStatus(text);
    } else if (m_report.iteration > 0) {
        setStatus(tr("Round %1 is the latest; %2.").arg(m_report.iteration).arg(waiting));
    } else if (!m_queue.empty()) {
        setStatus(tr("%1. The first round starts when they are labeled.").arg(waiting));
    } else {
        setStatus(isOn() ? tr("No round yet.") : tr("Off. Turn it on to queue a random sample for people."));
    }
    updateControls();
    Q_EMIT busyChanged(false);
    Q_EMIT queueChanged();
    if (work == Work::Round && !out->error)
        Q_EMIT roundFinished();
    // Turned on before the samples were read, or asked for a round meanwhile.
    if (std::exchange(m_again, false))
        launch(Work::Round);
    else if (work == Work::Queue && isOn() && m_queue.empty() && m_report.iteration == 0)
        launch(Work::Start);
    else if (work == Work::Start && isOn() && m_queue.empty())
        launch(Work::Round); // people had labelled the samples already
}

void AutoLabelPanel::show(const IterationReport &report)
{
    m_report = report;
    const bool any = report.iteration > 0;
    auto set = [any](QLabel *label, const QString &text) { label->setText(any ? text : QStringLiteral("–")); };
    set(m_people, number(report.humanLabels));
    set(m_auto, number(report.autoLabeledTotal));
    set(m_waiting, number(report.queuedForPeople));
    set(m_unlabeled, number(report.unlabeled));
    set(m_threshold, report.threshold ? fixed(*report.threshold) : tr("none qualifies"));
    set(m_estimated, report.threshold ? tr("≥ %1 (95% bound)").arg(fixed(report.estimatedAccuracy)) : tr("–"));
    if (report.auditedAccuracy) {
        // A small audit is a rough measure: say how rough (95% Wilson interval).
        const int64_t right = std::llround(*report.auditedAccuracy * double(report.audited));
        const double low = wilsonLowerBound(right, report.audited);
        const double high = 1.0 - wilsonLowerBound(report.audited - right, report.audited);
        set(m_audited, tr("%1 (%2–%3, %4 checked)")
                           .arg(fixed(*report.auditedAccuracy), fixed(low, 2), fixed(high, 2), number(report.audited)));
        m_audited->setToolTip(tr("95% interval %1 – %2 from %3 audited auto-labels")
                                  .arg(fixed(low, 2), fixed(high, 2), number(report.audited)));
    } else {
        set(m_audited, tr("none checked yet"));
        m_audited->setToolTip({});
    }
    showChart(report);
}

void AutoLabelPanel::showChart(const IterationReport &report)
{
    // Thresholds with too few validation items above them say nothing (the loop does not use them either).
    QList<QPointF> accuracy, bound;
    for (auto p = report.curve.rbegin(); p != report.curve.rend(); ++p) { // lowest threshold first
        if (p->count < m_options.minAboveThreshold)
            continue;
        accuracy.append({p->threshold, p->accuracy});
        bound.append({p->threshold, p->lowerBound});
    }
    m_accuracy->replace(accuracy);
    m_bound->replace(bound);
    m_targetLine->replace({{0, target()}, {1, target()}});
    // The y range follows the curve in steps of 0.05 so that the part near the target is not squashed.
    double low = std::min(0.9, target() - 0.05);
    for (const QPointF &p : bound)
        low = std::min(low, p.y());
    low = std::clamp(std::floor(low * 20) / 20, 0.0, 0.9);
    const int steps = int(std::lround((1.0 - low) / 0.05));
    auto *y = qobject_cast<QValueAxis *>(chart()->axes(Qt::Vertical).value(0));
    if (y) {
        y->setRange(low, 1.0);
        y->setTickCount(steps <= 10 ? steps + 1 : steps / 2 + 1);
    }
    m_chosen->clear();
    if (report.threshold)
        m_chosen->replace({{*report.threshold, low}, {*report.threshold, 1}});
}

void AutoLabelPanel::setStatus(const QString &text)
{
    m_status->setText(text);
}

void AutoLabelPanel::updateControls()
{
    const bool job = m_job.has_value();
    m_on->setEnabled(job);
    m_target->setEnabled(job && !isBusy());
    m_runNow->setEnabled(job && !isBusy());
    m_cancel->setVisible(isBusy() && m_work == Work::Round);
    m_chartView->setEnabled(job);
}

} // namespace gw::ui
