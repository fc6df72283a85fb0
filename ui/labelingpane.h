#pragma once

// The labeling pane: the image canvas (or the text of a text item), the class panel and the item panel,
// with the labeling session and the tools of the job's task type. Class keys and tool actions end here.

#include "datasets/projectstore.h"
#include "labeling/tools/tool.h"

#include <QKeySequence>
#include <QWidget>

#include <functional>
#include <memory>
#include <utility>
#include <vector>
#include <optional>

class QLabel;
class QListWidget;
class QStackedWidget;
class QTimer;

namespace gw::labeling {
class BoxTool;
class ObjectTool;
class AssistTool;
class BrushTool;
class LabelingSession;
class PolygonTool;
class SpanEditor;
class ShortcutMap;
class Tool;
} // namespace gw::labeling

namespace gw::ui {

class ClassPanel;
class ImageCanvas;
class ImageLoader;
class NoticeBanner;
class TextLabelView;

class LabelingPane : public QWidget
{
    Q_OBJECT
public:
    enum class ToolKind { None, Box, Polygon, Brush, Eraser, Select, GrabCut, Wand, Superpixels, Watershed, Scissors };

    LabelingPane(labeling::ShortcutMap &shortcuts, QWidget *parent = nullptr);
    ~LabelingPane() override;

    /// Starts labeling in a project (the store must outlive the pane's use of it) as author.
    void setProject(datasets::ProjectStore *store, const std::string &author);
    void setJob(const datasets::Job &job);
    /// The job's classes were edited: the item stays, keys, colours and the class panel follow; when labels
    /// changed too (a merge or removal) the item's label is read again and classes are counted again.
    void classesEdited(const datasets::Job &job, bool labelsChanged);
    const datasets::Job &job() const;
    ClassPanel *classPanel() const { return m_classes; }
    labeling::LabelingSession *session() const { return m_session.get(); }
    ImageCanvas *canvas() const { return m_canvas; }
    ImageLoader *loader() const { return m_loader; }
    TextLabelView *textView() const { return m_text; }
    const labeling::SpanEditor &spanEditor() const { return *m_spanEditor; }
    QListWidget *spanList() const { return m_spanList; }

    /// Shows an item and starts decoding its image.
    void openItem(int64_t itemId);
    /// Shows no item, with why on the canvas (a filter that matches nothing): no key labels a hidden item.
    void closeItem(const QString &why);
    int64_t currentItem() const;
    /// Decodes these items' images ahead.
    void prefetch(const QList<int64_t> &itemIds);

    /// A key pressed while labeling: true when it was a class key and was used.
    bool handleClassKey(const QKeySequence &key);
    void selectTool(ToolKind kind);
    ToolKind toolKind() const { return m_toolKind; }
    /// Which tools the job's task type has.
    QList<ToolKind> availableTools() const;
    /// Every tool with the ShortcutMap action ("tool.box", ...) that selects it, in toolbar order.
    static const std::vector<std::pair<const char *, ToolKind>> &toolActions();
    void setCurrentClass(int classId);
    void stepClass(int delta);
    void copyPreviousBoxes();
    /// Accepts an automatic label or an adjustment's starting point; reviewing, accepts the label under review.
    void acceptLabel();
    /// Removes an automatic label (a person then gives the right one); reviewing, rejects the label under review
    /// with a reason (the item goes back to the labeling queue).
    void rejectLabel();
    /// Review mode: the pane shows and edits the labels of the reviewed job (setJob is that job) and Enter and
    /// Backspace give verdicts in `reviewJob` (a review or verification job); nullopt ends it.
    void setReview(const std::optional<datasets::Job> &reviewJob);
    const std::optional<datasets::Job> &review() const { return m_review; }
    /// Gives a verdict (a class of the review job) on the open item's label; reviewing only.
    Result<> giveVerdict(int classId, const QString &comment);
    /// Asks for the reason of a rejection (a dialog; tests put their own): nullopt when cancelled.
    std::function<std::optional<QString>(const QString &question)> askReason;
    void clearLabel();
    /// Shows a refusal or hint on the canvas or text, where the annotator looks (and emits message).
    void notify(const QString &text);
    /// Someone else changed an item's label: the item is read again when it is the one shown (unless this window
    /// holds an edit of it that waits for the team server).
    void reloadIfShown(int64_t itemId);
    /// Writes the edits kept while the team server was away (labeling/labelingsession.h); also tried every few
    /// seconds while any wait.
    void savePending();
    /// Re-reads class counts in the background (after labels changed): at once, or after the one running.
    void refreshCounts();

Q_SIGNALS:
    /// A single-label class key was used: the window moves to the next item.
    void advanceRequested();
    /// A label was written; labeledDelta as LabelingSession::labelChanged.
    void labelChanged(int64_t itemId, int labeledDelta);
    void message(const QString &text);
    void classKeyChangeRequested(int classId);
    void classEditorRequested();

private:
    void showItemInfo();
    /// The item panel's lines about review: the verdict and what the keys do, or why the label was sent back.
    QString reviewInfo() const;
    /// The class panel's line about the selected box or entity.
    void showSelection();
    void onLabelChanged(int64_t itemId, int labeledDelta);
    void showImage(int64_t itemId);
    void syncSpans();
    void selectSpan(int index);
    void deleteSelectedSpan();
    void applyEdit(const Result<labeling::ToolEdit> &edit);

    labeling::ShortcutMap &m_shortcuts;
    datasets::ProjectStore *m_store = nullptr;
    std::unique_ptr<labeling::LabelingSession> m_session;
    std::unique_ptr<labeling::BoxTool> m_boxTool;
    std::unique_ptr<labeling::PolygonTool> m_polygonTool;
    std::unique_ptr<labeling::BrushTool> m_brushTool;
    std::unique_ptr<labeling::ObjectTool> m_objectTool; ///< instance segmentation: every mode is this tool
    std::unique_ptr<labeling::AssistTool> m_assistTool; ///< segmentation: the assists
    ToolKind m_toolKind = ToolKind::None;
    std::vector<datasets::Box> m_previousBoxes; ///< the boxes of the item shown before, to copy over
    ImageLoader *m_loader;
    QStackedWidget *m_stack;
    ImageCanvas *m_canvas;
    TextLabelView *m_text;
    std::unique_ptr<labeling::SpanEditor> m_spanEditor;
    QListWidget *m_spanList;
    ClassPanel *m_classes;
    NoticeBanner *m_canvasNotice;
    NoticeBanner *m_textNotice;
    QLabel *m_info;
    QLabel *m_reviewBar; ///< what Enter and Backspace do, while reviewing
    QTimer *m_countLater;      ///< class counts after labelling pauses, not after every label
    QTimer *m_saveLater = nullptr; ///< tries the kept edits again while the team server is away
    bool m_countAgain = false; ///< labels changed while a count ran
    std::optional<datasets::Job> m_review;
};

} // namespace gw::ui
