#include "ui/plural.h"
#include "ui/labelingpane.h"
#include "datasets/workpool.h"

#include "datasets/groundtruth.h"
#include "datasets/media.h"
#include "datasets/payload.h"
#include "datasets/review.h"
#include "labeling/labelcommands.h"
#include "labeling/labelingsession.h"
#include "labeling/shortcutmap.h"
#include "labeling/tools/boxtool.h"
#include "labeling/tools/assisttool.h"
#include "labeling/tools/objecttool.h"
#include "labeling/tools/brushtool.h"
#include "labeling/tools/polygontool.h"
#include "labeling/tools/spaneditor.h"
#include "ui/classpanel.h"
#include "ui/imagecanvas.h"
#include "ui/imageloader.h"
#include "ui/noticebanner.h"
#include "ui/textlabelview.h"

#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QFutureWatcher>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <map>

namespace gw::ui {

using namespace gw::datasets;

namespace {

/// Items per class of a job, counted on a connection of its own (run off the GUI thread).
std::map<int, int64_t> countClasses(const std::string &projectPath, const std::string &jobName)
{
    std::map<int, int64_t> out;
    auto store = ProjectStore::open(projectPath, ProjectStore::OpenMode::OpenExisting);
    if (!store)
        return out;
    auto job = (*store)->job(jobName);
    auto sum = (*store)->summary();
    if (!job || !sum)
        return out;
    for (const auto &j : sum->jobs)
        if (j.job == jobName)
            for (size_t i = 0; i < j.byClass.size() && i < job->classes.size(); ++i)
                out[job->classes[i].id] = j.byClass[i].second;
    return out;
}

QString describe(const Job &job, const Payload &p)
{
    QStringList parts;
    for (int id : p.classes)
        if (const LabelClass *c = job.classById(id))
            parts << QString::fromStdString(c->name);
    if (!p.boxes.empty())
        parts << plural(qint64(p.boxes.size()), LabelingPane::tr("%1 box"), LabelingPane::tr("%1 boxes"));
    if (!p.spans.empty())
        parts << plural(qint64(p.spans.size()), LabelingPane::tr("%1 span"), LabelingPane::tr("%1 spans"));
    if (!p.instances.empty())
        parts << plural(qint64(p.instances.size()), LabelingPane::tr("%1 object"), LabelingPane::tr("%1 objects"));
    if (!p.mask.empty() || !p.maskUri.empty())
        parts << LabelingPane::tr("mask");
    return parts.join(QStringLiteral(", "));
}

} // namespace

LabelingPane::LabelingPane(labeling::ShortcutMap &shortcuts, QWidget *parent)
    : QWidget(parent), m_shortcuts(shortcuts), m_boxTool(std::make_unique<labeling::BoxTool>()),
      m_polygonTool(std::make_unique<labeling::PolygonTool>()),
      m_brushTool(std::make_unique<labeling::BrushTool>()), m_objectTool(std::make_unique<labeling::ObjectTool>()),
      m_assistTool(std::make_unique<labeling::AssistTool>()),
      m_spanEditor(std::make_unique<labeling::SpanEditor>())
{
    askReason = [this](const QString &question) -> std::optional<QString> {
        bool ok = false;
        const QString text = QInputDialog::getText(this, tr("Reject Label"), question, QLineEdit::Normal, QString(), &ok);
        return ok ? std::optional<QString>(text) : std::nullopt;
    };
    m_loader = new ImageLoader(this);
    m_countLater = new QTimer(this);
    m_countLater->setSingleShot(true);
    m_countLater->setInterval(1000);
    connect(m_countLater, &QTimer::timeout, this, &LabelingPane::refreshCounts);
    m_loader->setCapacity(5);
    m_canvas = new ImageCanvas;
    m_text = new TextLabelView;
    m_stack = new QStackedWidget;
    m_stack->addWidget(m_canvas);
    m_stack->addWidget(m_text);

    m_classes = new ClassPanel;
    m_info = new QLabel;
    m_info->setWordWrap(true);
    m_info->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setMargin(6);
    m_info->setMinimumHeight(170);
    auto *side = new QSplitter(Qt::Vertical);
    auto *classBox = new QWidget;
    classBox->setObjectName(QStringLiteral("classBox"));
    classBox->hide(); // classes and entities belong to a job: out of the way until there is one
    auto *classLayout = new QVBoxLayout(classBox);
    classLayout->setContentsMargins(6, 6, 6, 0);
    classLayout->addWidget(new QLabel(tr("<b>Classes</b>")));
    classLayout->addWidget(m_classes);
    side->addWidget(classBox);
    m_spanList = new QListWidget;
    m_spanList->setFocusPolicy(Qt::NoFocus);
    auto *spanBox = new QWidget;
    auto *spanLayout = new QVBoxLayout(spanBox);
    spanLayout->setContentsMargins(6, 6, 6, 0);
    spanLayout->addWidget(new QLabel(tr("<b>Entities</b>")));
    spanLayout->addWidget(m_spanList);
    spanBox->setObjectName(QStringLiteral("spanBox"));
    spanBox->hide();
    side->addWidget(spanBox);
    side->addWidget(m_info);
    side->setStretchFactor(0, 3);
    side->setStretchFactor(1, 1);

    auto *split = new QSplitter;
    split->addWidget(m_stack);
    split->addWidget(side);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setSizes({1000, 280});
    m_reviewBar = new QLabel;
    m_reviewBar->setObjectName(QStringLiteral("reviewBar"));
    m_reviewBar->setWordWrap(true);
    m_reviewBar->setMargin(6);
    m_reviewBar->setStyleSheet(QStringLiteral("background:#fff4d6; color:#3a2e00; border-bottom:1px solid #e0c97a"));
    m_reviewBar->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    m_reviewBar->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_reviewBar);
    layout->addWidget(split, 1);

    connect(m_loader, &ImageLoader::loaded, this, &LabelingPane::showImage);
    m_canvasNotice = new NoticeBanner(m_canvas);
    m_textNotice = new NoticeBanner(m_text);
    connect(m_canvas, &ImageCanvas::editFailed, this, &LabelingPane::notify);
    connect(m_canvas, &ImageCanvas::toolUsed, this, &LabelingPane::showSelection);
    connect(m_classes, &ClassPanel::editRequested, this, &LabelingPane::classEditorRequested);
    connect(m_classes, &ClassPanel::classClicked, this, [this](int id) {
        setCurrentClass(id);
        if (m_session && (taskInfo(m_session->job().type).id.find("classification") != std::string_view::npos))
            (void)m_session->pressClass(id);
    });
    connect(m_classes, &ClassPanel::keyChangeRequested, this, &LabelingPane::classKeyChangeRequested);
    connect(m_text, &TextLabelView::spanClicked, this, &LabelingPane::selectSpan);
    connect(m_text, &TextLabelView::deleteRequested, this, &LabelingPane::deleteSelectedSpan);
    connect(m_spanList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row != m_spanEditor->selected())
            selectSpan(row);
        if (row >= 0 && row < int(m_spanEditor->spans().size())) {
            const Span &s = m_spanEditor->spans()[size_t(row)];
            m_text->selectRange(m_spanEditor->utf16At(s.start), m_spanEditor->utf16At(s.end));
        }
    });
}

LabelingPane::~LabelingPane()
{
    m_canvas->setTool(nullptr);
}

void LabelingPane::setProject(ProjectStore *store, const std::string &author)
{
    m_canvas->setSession(nullptr);
    m_session.reset();
    m_store = store;
    for (const char *box : {"classBox", "spanBox"})
        findChild<QWidget *>(QString::fromLatin1(box))->hide(); // until a job is set
    if (!store)
        return;
    m_session = std::make_unique<labeling::LabelingSession>(*store, author);
    connect(m_session.get(), &labeling::LabelingSession::labelChanged, this, &LabelingPane::onLabelChanged);
    connect(m_session.get(), &labeling::LabelingSession::classesChanged, m_classes, &ClassPanel::adjustCounts);
    connect(m_session.get(), &labeling::LabelingSession::failed, this, &LabelingPane::notify);
    connect(m_session.get(), &labeling::LabelingSession::pendingChanged, this, [this](int count, const QString &why) {
        notify(why);
        if (!m_saveLater) {
            m_saveLater = new QTimer(this);
            m_saveLater->setInterval(3000);
            connect(m_saveLater, &QTimer::timeout, this, &LabelingPane::savePending);
        }
        if (count > 0)
            m_saveLater->start();
        else
            m_saveLater->stop();
    });
    m_canvas->setSession(m_session.get());
}

void LabelingPane::savePending()
{
    if (m_session && m_session->pendingCount() > 0)
        (void)m_session->savePending(); // still away: the edits stay kept, and it is tried again
}

void LabelingPane::reloadIfShown(int64_t itemId)
{
    if (!m_session || !m_session->hasItem() || m_session->item().id != itemId || m_session->pendingCount() > 0)
        return;
    if (auto r = m_session->openItem(itemId); !r)
        return;
    m_canvas->syncFromSession();
    syncSpans();
    showItemInfo();
    showSelection();
}

const Job &LabelingPane::job() const
{
    static const Job none;
    return m_session ? m_session->job() : none;
}

void LabelingPane::setJob(const Job &job)
{
    if (!m_session)
        return;
    m_session->setJob(job);
    m_shortcuts.setClasses(job.classes);
    m_classes->setJob(job);
    m_previousBoxes.clear();
    const QList<ToolKind> tools = availableTools();
    selectTool(tools.isEmpty() ? ToolKind::None : tools.front());
    setCurrentClass(job.classes.empty() ? 0 : job.classes.front().id);
    m_stack->setCurrentWidget(taskInfo(job.type).image ? static_cast<QWidget *>(m_canvas) : m_text);
    findChild<QWidget *>(QStringLiteral("classBox"))->show();
    findChild<QWidget *>(QStringLiteral("spanBox"))->setVisible(job.type == TaskType::NamedEntityRecognition);
    refreshCounts();
}

const std::vector<std::pair<const char *, LabelingPane::ToolKind>> &LabelingPane::toolActions()
{
    static const std::vector<std::pair<const char *, ToolKind>> actions = {
        {"tool.box", ToolKind::Box},         {"tool.polygon", ToolKind::Polygon},
        {"tool.brush", ToolKind::Brush},     {"tool.eraser", ToolKind::Eraser},
        {"tool.select", ToolKind::Select},   {"tool.grabcut", ToolKind::GrabCut},
        {"tool.wand", ToolKind::Wand},       {"tool.superpixels", ToolKind::Superpixels},
        {"tool.watershed", ToolKind::Watershed}, {"tool.scissors", ToolKind::Scissors},
    };
    return actions;
}

QList<LabelingPane::ToolKind> LabelingPane::availableTools() const
{
    if (!m_session)
        return {};
    switch (m_session->job().type) {
    case TaskType::BoundingBox: return {ToolKind::Box};
    case TaskType::SemanticSegmentation:
        return {ToolKind::Polygon,     ToolKind::Brush,     ToolKind::Eraser,  ToolKind::GrabCut,
                ToolKind::Wand,        ToolKind::Superpixels, ToolKind::Watershed, ToolKind::Scissors};
    case TaskType::InstanceSegmentation:
        return {ToolKind::Polygon, ToolKind::Select,      ToolKind::Box,       ToolKind::Brush,   ToolKind::Eraser,
                ToolKind::GrabCut, ToolKind::Wand,        ToolKind::Superpixels, ToolKind::Watershed, ToolKind::Scissors};
    default: return {};
    }
}

void LabelingPane::selectTool(ToolKind kind)
{
    if (!availableTools().contains(kind))
        kind = ToolKind::None;
    m_toolKind = kind;
    labeling::Tool *tool = nullptr;
    using Assist = labeling::AssistTool::Kind;
    const std::pair<ToolKind, Assist> assists[] = {{ToolKind::GrabCut, Assist::GrabCut},
                                                   {ToolKind::Wand, Assist::Wand},
                                                   {ToolKind::Superpixels, Assist::Superpixels},
                                                   {ToolKind::Watershed, Assist::Watershed},
                                                   {ToolKind::Scissors, Assist::Scissors}};
    for (const auto &[k, assist] : assists)
        if (k == kind) {
            m_assistTool->setKind(assist);
            m_canvas->setTool(m_assistTool.get());
            m_canvas->update();
            return;
        }
    if (m_session && job().type == TaskType::InstanceSegmentation && kind != ToolKind::None) {
        using Mode = labeling::ObjectTool::Mode;
        m_objectTool->setMode(kind == ToolKind::Box       ? Mode::Box
                              : kind == ToolKind::Select  ? Mode::Select
                              : kind == ToolKind::Brush   ? Mode::Brush
                              : kind == ToolKind::Eraser  ? Mode::Eraser
                                                          : Mode::Polygon);
        m_canvas->setTool(m_objectTool.get());
        m_canvas->update();
        return;
    }
    switch (kind) {
    case ToolKind::Box: tool = m_boxTool.get(); break;
    case ToolKind::Polygon: tool = m_polygonTool.get(); break;
    case ToolKind::Brush:
        m_brushTool->setMode(labeling::BrushTool::Mode::Paint);
        tool = m_brushTool.get();
        break;
    case ToolKind::Eraser:
        m_brushTool->setMode(labeling::BrushTool::Mode::Erase);
        tool = m_brushTool.get();
        break;
    default: break;
    }
    m_canvas->setTool(tool);
}

void LabelingPane::notify(const QString &text)
{
    (m_stack->currentWidget() == m_text ? m_textNotice : m_canvasNotice)->showNotice(text);
    Q_EMIT message(text);
}

void LabelingPane::classesEdited(const Job &job, bool labelsChanged)
{
    if (!m_session || job.id != m_session->job().id)
        return;
    m_session->jobEdited(job);
    m_shortcuts.setClasses(job.classes);
    m_classes->setJob(job);
    if (!job.classById(m_canvas->currentClass()))
        setCurrentClass(job.classes.empty() ? 0 : job.classes.front().id);
    else
        setCurrentClass(m_canvas->currentClass());
    if (labelsChanged) {
        if (m_session->hasItem())
            openItem(m_session->item().id);
        refreshCounts();
    } else {
        m_canvas->update();
        m_text->update();
        showItemInfo();
    }
}

void LabelingPane::showSelection()
{
    if (!m_session)
        return;
    int selected = -1;
    QString what;
    if (job().type == TaskType::BoundingBox && m_toolKind == ToolKind::Box) {
        const int i = m_boxTool->selected();
        if (i >= 0 && i < int(m_boxTool->boxes().size()))
            selected = m_boxTool->boxes()[size_t(i)].classId;
        what = tr("box");
    } else if (job().type == TaskType::InstanceSegmentation && m_canvas->tool() == m_objectTool.get()) {
        const int i = m_objectTool->selected();
        const Payload *live = m_objectTool->liveLabel();
        if (i >= 0 && i < int(live->instances.size()))
            selected = live->instances[size_t(i)].classId;
        what = tr("object");
    } else if (job().type == TaskType::NamedEntityRecognition) {
        const int i = m_spanEditor->selected();
        if (i >= 0 && i < int(m_spanEditor->spans().size()))
            selected = m_spanEditor->spans()[size_t(i)].classId;
        what = tr("entity");
    }
    m_classes->setSelectedObject(selected, what);
}

void LabelingPane::setCurrentClass(int classId)
{
    m_canvas->setCurrentClass(classId);
    m_classes->setCurrentClass(classId);
}

void LabelingPane::stepClass(int delta)
{
    const auto &classes = job().classes;
    if (classes.empty())
        return;
    const int pos = std::max(0, job().positionOf(m_canvas->currentClass()));
    const int next = (pos + delta + int(classes.size())) % int(classes.size());
    setCurrentClass(classes[size_t(next)].id);
}

int64_t LabelingPane::currentItem() const
{
    return m_session && m_session->hasItem() ? m_session->item().id : 0;
}

void LabelingPane::openItem(int64_t itemId)
{
    if (!m_session)
        return;
    if (m_session->hasItem() && m_session->item().id != itemId && job().type == TaskType::BoundingBox)
        m_previousBoxes = m_session->payload().boxes;
    if (auto r = m_session->openItem(itemId); !r) {
        notify(QString::fromStdString(r.error().message));
        return;
    }
    const Item &item = m_session->item();
    if (item.kind == MediaKind::Text) {
        m_spanEditor->setText(QString::fromStdString(item.text));
        syncSpans();
    } else {
        const QString path = QString::fromStdString(media::resolve(m_store->projectDir(), item.uri));
        m_canvas->setImage(m_loader->cached(itemId), tr("Loading %1…").arg(QFileInfo(path).fileName()));
        m_loader->request(itemId, path);
    }
    m_canvas->syncFromSession();
    showItemInfo();
    showSelection();
}

void LabelingPane::closeItem(const QString &why)
{
    if (!m_session)
        return;
    m_session->closeItem();
    m_canvas->setImage(nullptr, why);
    m_spanEditor->setText(QString());
    m_text->setPlainText(why);
    m_spanList->clear();
    showItemInfo();
}

void LabelingPane::showImage(int64_t itemId)
{
    if (m_session && m_session->hasItem() && m_session->item().id == itemId)
        m_canvas->setImage(m_loader->cached(itemId));
}

void LabelingPane::prefetch(const QList<int64_t> &itemIds)
{
    if (!m_store)
        return;
    QList<QPair<int64_t, QString>> paths;
    for (int64_t id : itemIds)
        if (auto item = m_store->item(id); item && item->kind == MediaKind::Image)
            paths.append({id, QString::fromStdString(media::resolve(m_store->projectDir(), item->uri))});
    m_loader->prefetch(paths);
}

bool LabelingPane::handleClassKey(const QKeySequence &key)
{
    if (!m_session || !m_session->hasItem() || job().id == 0)
        return false; // without a job an item is only for viewing
    const int classId = m_shortcuts.classForKey(key);
    if (classId < 0)
        return false;
    const TaskType type = job().type;
    if (type == TaskType::BoundingBox) {
        setCurrentClass(classId);
        if (m_toolKind == ToolKind::Box && m_boxTool->selected() >= 0 && m_boxTool->setSelectedClass(classId)) {
            if (auto edit = m_boxTool->takeEdit())
                if (auto r = m_session->apply(edit->payload, edit->text); !r)
                    notify(QString::fromStdString(r.error().message));
        }
        m_canvas->update();
        return true;
    }
    if (type == TaskType::SemanticSegmentation) {
        setCurrentClass(classId);
        return true;
    }
    if (type == TaskType::InstanceSegmentation) {
        // The class of new objects, and of the selected one.
        setCurrentClass(classId);
        if (m_canvas->tool() == m_objectTool.get() && m_objectTool->selected() >= 0
            && m_objectTool->setSelectedClass(classId))
            if (auto edit = m_objectTool->takeEdit())
                if (auto r = m_session->apply(edit->payload, edit->text); !r) {
                    notify(QString::fromStdString(r.error().message));
                    m_canvas->syncFromSession(); // back to what is stored
                }
        showSelection();
        m_canvas->update();
        return true;
    }
    if (type == TaskType::NamedEntityRecognition) {
        // Selected text becomes a span of this class; else a selected span is retyped.
        setCurrentClass(classId);
        const auto [from, to] = m_text->selection();
        if (from != to)
            applyEdit(m_spanEditor->addSpan(from, to, classId, job()));
        else if (m_spanEditor->selected() >= 0)
            applyEdit(m_spanEditor->retypeSelected(classId, job()));
        else
            notify(tr("Select some text first (drag, or Shift / Ctrl+Shift with the arrow keys)."));
        return true;
    }
    setCurrentClass(classId);
    if (auto r = m_session->pressClass(classId); !r) {
        notify(QString::fromStdString(r.error().message));
        return true;
    }
    if (!taskInfo(type).multiLabel)
        Q_EMIT advanceRequested();
    return true;
}

void LabelingPane::copyPreviousBoxes()
{
    if (!m_session || !m_session->hasItem() || job().type != TaskType::BoundingBox || m_previousBoxes.empty())
        return;
    Payload p = m_session->payload();
    const double w = m_session->item().width, h = m_session->item().height;
    for (Box b : m_previousBoxes) {
        // Clamped to this image, which may be smaller than the one the boxes came from.
        b.left = std::clamp(b.left, 0.0, std::max(0.0, w - 1));
        b.top = std::clamp(b.top, 0.0, std::max(0.0, h - 1));
        b.width = std::min(b.width, w - b.left);
        b.height = std::min(b.height, h - b.top);
        b.confidence.reset();
        if (b.width > 0 && b.height > 0)
            p.boxes.push_back(b);
    }
    p.imageWidth = int(w);
    p.imageHeight = int(h);
    p.imageDepth = p.imageDepth ? p.imageDepth : 3;
    if (auto r = m_session->apply(p, tr("Copy %1 from the previous image").arg(plural(qint64(m_previousBoxes.size()), tr("%1 box"), tr("%1 boxes"))),
                                  labeling::LabelChange::CopyBoxes);
        !r)
        notify(QString::fromStdString(r.error().message));
}

void LabelingPane::acceptLabel()
{
    if (m_review) {
        const LabelClass *accept = m_review->kind == JobKind::Review ? m_review->classByName("accept")
                                   : m_review->classes.empty()       ? nullptr
                                                                     : &m_review->classes.front();
        if (m_session && m_session->current() && accept)
            if (auto r = giveVerdict(accept->id, QString()); !r)
                notify(QString::fromStdString(r.error().message));
        return;
    }
    // An automatic label, or an adjustment's starting point (the label it adjusts, not stored in this job yet).
    if (m_session && m_session->current()
        && (m_session->current()->provenance.source != Source::Human || m_session->current()->id == 0))
        if (auto r = m_session->acceptCurrent(); !r)
            notify(QString::fromStdString(r.error().message));
}

void LabelingPane::setReview(const std::optional<Job> &reviewJob)
{
    m_review = reviewJob;
    if (m_session) {
        // A review may fix the label (marked as a fix); a verification judges it and leaves it as it is.
        m_session->setFixing(reviewJob && reviewJob->kind == JobKind::Review ? reviewJob->name : std::string());
        m_session->setReadOnly(reviewJob && reviewJob->kind == JobKind::Verification
                                   ? tr("A verification judges the label and leaves it as it is: Enter or Backspace "
                                        "gives the verdict.")
                                   : QString());
    }
    // Backspace rejects in a review, even with a box selected (Delete still deletes the box).
    m_canvas->setBackspaceTakenByWindow(bool(reviewJob));
    m_reviewBar->setVisible(bool(reviewJob));
    if (reviewJob) {
        const QString parent = QString::fromStdString(job().name).toHtmlEscaped();
        const auto verdict = [&](size_t i) {
            return QString::fromStdString(i < reviewJob->classes.size() ? reviewJob->classes[i].name : std::string())
                .toHtmlEscaped();
        };
        m_reviewBar->setText(
            reviewJob->kind == JobKind::Review
                ? tr("<b>Reviewing the labels of %1</b> &nbsp; <b>Enter</b> accepts &nbsp;·&nbsp; <b>Backspace</b> "
                     "rejects with a reason (the item is labeled again) &nbsp;·&nbsp; to fix a label, edit it, then "
                     "press Enter")
                      .arg(parent)
                : tr("<b>Verifying the labels of %1</b> &nbsp; <b>Enter</b>: %2 &nbsp;·&nbsp; <b>Backspace</b>: %3, "
                     "with a comment")
                      .arg(parent, verdict(0), verdict(1)));
    }
    showItemInfo();
}

Result<> LabelingPane::giveVerdict(int classId, const QString &comment)
{
    if (!m_review || !m_session || !m_session->hasItem())
        return fail(Error::invalid("no label is under review"));
    if (!m_session->current())
        return fail(Error::invalid("this item has no label to review: go to the next one"));
    Provenance who;
    who.author = m_session->author();
    who.timeSpentMs = 0;
    // About the label shown: if it changed meanwhile, the reviewer looks again.
    auto written = review::recordVerdict(*m_store, *m_review, m_session->item().id, classId, comment.toStdString(), who,
                                         m_session->current()->id);
    if (!written && written.error().code == Error::Code::Conflict)
        openItem(m_session->item().id);
    if (!written)
        return fail(written.error());
    const int64_t item = m_session->item().id;
    const bool sentBack = classId == review::rejectClass(*m_review);
    if (sentBack)
        openItem(item); // its label was taken back: show that
    Q_EMIT labelChanged(item, sentBack ? -1 : 0);
    const LabelClass *cls = m_review->classById(classId);
    Q_EMIT message(sentBack ? tr("Rejected: item %1 goes back to the labeling queue.").arg(item)
                            : tr("%1: item %2.").arg(QString::fromStdString(cls ? cls->name : std::string()).toHtmlEscaped(), QString::number(item)));
    showItemInfo();
    Q_EMIT advanceRequested();
    return {};
}

void LabelingPane::rejectLabel()
{
    if (m_review) {
        if (!m_session || !m_session->current())
            return;
        // Review: "reject" sends the item back; verification: the second verdict ("incorrect").
        const int classId = m_review->kind == JobKind::Review ? review::rejectClass(*m_review)
                                                               : m_review->classes.size() > 1 ? m_review->classes[1].id : -1;
        if (classId < 0)
            return;
        const bool needed = m_review->kind == JobKind::Review;
        const QString question = needed ? tr("Why is this label wrong? The annotator sees your reason when the item "
                                             "comes back to them.")
                                        : tr("A comment for this verdict (optional):");
        std::optional<QString> reason = askReason ? askReason(question) : std::nullopt;
        if (!reason)
            return;
        if (auto r = giveVerdict(classId, reason->trimmed()); !r)
            notify(QString::fromStdString(r.error().message));
        return;
    }
    if (m_session && m_session->current() && m_session->current()->provenance.source == Source::Auto) {
        if (auto r = m_session->clearLabel(); !r)
            notify(QString::fromStdString(r.error().message));
        else
            notify(tr("Automatic label rejected: press the right class key."));
    }
}

void LabelingPane::clearLabel()
{
    if (m_review) {
        notify(tr("In a review, Backspace rejects the label with a reason; to fix it, edit it and press Enter."));
        return;
    }
    if (m_session)
        if (auto r = m_session->clearLabel(); !r)
            notify(QString::fromStdString(r.error().message));
}

void LabelingPane::applyEdit(const Result<labeling::ToolEdit> &edit)
{
    if (!edit) {
        notify(QString::fromStdString(edit.error().message));
        return;
    }
    if (auto r = m_session->apply(edit->payload, edit->text); !r) {
        notify(QString::fromStdString(r.error().message));
        syncSpans();
    }
}

void LabelingPane::syncSpans()
{
    if (!m_session || !m_session->hasItem() || m_session->item().kind != MediaKind::Text)
        return;
    const int keep = m_spanEditor->selected();
    m_spanEditor->setPayload(m_session->payload());
    if (keep >= 0 && m_spanEditor->selected() < 0)
        m_spanEditor->select(keep < int(m_spanEditor->spans().size()) ? keep : -1);
    m_text->setSpans(m_spanEditor.get(), &m_session->job());
    const QSignalBlocker block(m_spanList);
    m_spanList->clear();
    for (const Span &s : m_spanEditor->spans()) {
        const LabelClass *c = job().classById(s.classId);
        const QString text = m_spanEditor->text().mid(m_spanEditor->utf16At(s.start),
                                                     m_spanEditor->utf16At(s.end) - m_spanEditor->utf16At(s.start));
        auto *row = new QListWidgetItem(QStringLiteral("%1 — %2").arg(c ? QString::fromStdString(c->name) : QString(), text.left(60)));
        row->setForeground(c ? QColor(QString::fromStdString(c->color)).darker(130) : QColor(Qt::black));
        m_spanList->addItem(row);
    }
    m_spanList->setCurrentRow(m_spanEditor->selected());
    showSelection();
}

void LabelingPane::selectSpan(int index)
{
    m_spanEditor->select(index);
    m_text->refreshSpans();
    const QSignalBlocker block(m_spanList);
    m_spanList->setCurrentRow(m_spanEditor->selected());
    showSelection();
}

void LabelingPane::deleteSelectedSpan()
{
    if (m_spanEditor->selected() >= 0)
        applyEdit(m_spanEditor->deleteSelected(job()));
}

void LabelingPane::onLabelChanged(int64_t itemId, int labeledDelta)
{
    if (m_session && m_session->hasItem() && itemId == m_session->item().id) {
        m_canvas->syncFromSession();
        syncSpans();
        showItemInfo();
        showSelection();
    }
    m_countLater->start(); // counting walks the job's labels: once the annotator pauses
    Q_EMIT labelChanged(itemId, labeledDelta);
}

void LabelingPane::refreshCounts()
{
    if (!m_store || !m_session)
        return;
    // Counting walks every label of the job: done in the background, at most one at a time, and once more
    // after it when labels changed meanwhile.
    auto *watcher = findChild<QFutureWatcher<std::map<int, int64_t>> *>();
    if (watcher && watcher->isRunning()) {
        m_countAgain = true;
        return;
    }
    m_countAgain = false;
    if (!watcher) {
        watcher = new QFutureWatcher<std::map<int, int64_t>>(this);
        connect(watcher, &QFutureWatcher<std::map<int, int64_t>>::finished, this, [this, watcher] {
            m_classes->setCounts(watcher->result());
            if (m_countAgain)
                refreshCounts();
        });
    }
    watcher->setFuture(QtConcurrent::run(workPool(), countClasses, m_store->path(), job().name));
}

QString LabelingPane::reviewInfo() const
{
    QString html;
    const int64_t item = m_session->item().id;
    if (m_review) {
        html += tr("<br><br><b>%1</b>: ").arg(QString::fromStdString(m_review->name).toHtmlEscaped());
        auto verdict = review::currentVerdict(*m_store, *m_review, item);
        if (verdict && *verdict && !(*verdict)->payload.classes.empty()) {
            const LabelClass *cls = m_review->classById((*verdict)->payload.classes.front());
            html += tr("%1 by %2").arg(QString::fromStdString(cls ? cls->name : std::string()).toHtmlEscaped(),
                                           QString::fromStdString((*verdict)->provenance.author).toHtmlEscaped());
        } else if (m_session->current()) {
            html += tr("not reviewed yet");
        } else {
            html += tr("<i>nothing to review, the item has no label</i>");
        }
    } else if (!m_session->current() && job().kind == JobKind::Labeling) {
        auto rejected = review::rejectionOf(*m_store, job().id, item);
        if (rejected && *rejected)
            html += tr("<br><br><span style='color:#c62828'><b>Sent back by %1:</b> %2</span>")
                        .arg(QString::fromStdString((*rejected)->reviewer).toHtmlEscaped(),
                             QString::fromStdString((*rejected)->reason).toHtmlEscaped());
    }
    return html;
}

void LabelingPane::showItemInfo()
{
    if (!m_session || !m_session->hasItem()) {
        m_info->clear();
        return;
    }
    const Item &item = m_session->item();
    QString html;
    if (item.kind == MediaKind::Image) {
        html += tr("<b>%1</b><br>%2 × %3 px").arg(QString::fromStdString(item.uri).toHtmlEscaped()).arg(item.width).arg(item.height);
        if (item.flags)
            html += tr("<br><span style='color:#c62828'>%1</span>")
                        .arg(item.flags & ItemMissing ? tr("The file is missing") : tr("The file is not a readable image"));
    } else {
        html += tr("<b>Text item %1</b><br>%2 characters").arg(item.id).arg(gt::codePointCount(item.text));
    }
    const auto &current = m_session->current();
    if (!current) {
        html += tr("<br><br>Not labeled");
    } else {
        const Provenance &p = current->provenance;
        html += tr("<br><br><b>%1</b>").arg(describe(job(), current->payload).toHtmlEscaped());
        html += tr("<br>%1 by %2").arg(QString::fromUtf8(sourceName(p.source).data()), QString::fromStdString(p.author).toHtmlEscaped());
        if (p.confidence)
            html += tr(", confidence %1").arg(*p.confidence, 0, 'f', 2);
        html += tr("<br>%1 UTC").arg(QString::fromStdString(gt::formatCreationDate(p.createdUs)).left(19).replace(QLatin1Char('T'), QLatin1Char(' ')));
        if (p.source == Source::Auto && !m_review)
            html += tr("<br><i>Enter accepts, Backspace rejects, a class key corrects.</i>");
        if (current->id == 0 && job().kind == JobKind::Adjustment)
            html += tr("<br><i>The label to adjust: edit it where it is wrong; Enter keeps it as it is.</i>");
    }
    html += reviewInfo();
    m_info->setText(html);
}

} // namespace gw::ui
