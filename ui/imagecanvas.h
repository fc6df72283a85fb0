#pragma once

// The image canvas: shows the current image with zoom (wheel around the cursor, fit, 1:1) and pan (middle
// button, or Space + drag), paints the item's annotations and the active tool's preview, and forwards
// pointer and key events to the tool in image coordinates. Finished edits go to the labeling session.

#include "datasets/types.h"
#include "ui/imageloader.h"

#include <QImage>
#include <QWidget>

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

template<typename T>
class QFutureWatcher;

namespace gw::labeling {
class LabelingSession;
class Tool;
struct ToolContext;
struct ToolJobResult;
} // namespace gw::labeling

namespace gw::ui {

class ImageCanvas : public QWidget
{
    Q_OBJECT
public:
    /// Backspace goes to the window's action (reject a label in review) even when a tool could use it.
    void setBackspaceTakenByWindow(bool on) { m_backspaceToWindow = on; }
    explicit ImageCanvas(QWidget *parent = nullptr);
    ~ImageCanvas() override;

    void setSession(labeling::LabelingSession *session);
    /// The decoded image of the current item (null while it loads).
    void setImage(std::shared_ptr<const LoadedImage> image, const QString &status = {});
    /// What the canvas says instead of an image ("Loading…", why no item is shown); empty with an image.
    QString statusText() const { return m_image && m_image->ok() ? QString() : m_status; }
    /// What a tool's job is doing while it runs ("Finding the object…"); empty when none runs.
    QString busyText() const { return m_busy; }
    /// A line shown over the image, e.g. what to do next when the image is only for viewing; empty for none.
    void setHint(const QString &hint);
    QString hintText() const { return m_hint; }
    /// The active tool (not owned); nullptr for classification jobs.
    void setTool(labeling::Tool *tool);
    labeling::Tool *tool() const { return m_tool; }
    void setCurrentClass(int classId);
    int currentClass() const { return m_currentClass; }
    /// Re-reads the session's current label into the tool (after undo/redo or a new item).
    void syncFromSession();

    double viewScale() const { return m_scale; }
    QPointF imageToWidget(QPointF p) const { return p * m_scale + m_offset; }
    QPointF widgetToImage(QPointF p) const { return (p - m_offset) / m_scale; }

    void zoomFit();
    void zoomActual();
    void zoomBy(double factor, QPointF anchor);
    void setOverlayOpacity(double opacity);
    double overlayOpacity() const { return m_opacity; }
    void setAnnotationsVisible(bool visible);
    bool annotationsVisible() const { return m_showAnnotations; }

Q_SIGNALS:
    void editFailed(const QString &message);
    void zoomChanged(double scale);
    /// The tool took a click or a key (its selection may have changed).
    void toolUsed();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    labeling::ToolContext context() const;
    /// Whether the tool holds the shown item's label (it was synced to it): only then does it get input and
    /// show its own label.
    bool toolReady() const;
    bool toolWantsKey(int key) const;
    void forward(QMouseEvent *event, int type);
    void takeEdit();
    /// Starts the tool's job (an assist) on a worker thread, if it has one; its result goes back to the tool.
    void runToolJob();
    void toolJobFinished();
    /// Stops a running job (its result is dropped).
    void cancelToolJob();
    QSize imageSize() const;
    void paintBoxes(QPainter &p, const std::vector<datasets::Box> &boxes) const;
    void paintSegmentation(QPainter &p);
    /// What the tool shows over the label (labeling::ToolPreview), the same way for every tool.
    void paintPreview(QPainter &p) const;
    void paintClassification(QPainter &p) const;
    void paintHint(QPainter &p) const;
    QColor classColor(int classId) const;
    QString className(int classId) const;

    labeling::LabelingSession *m_session = nullptr;
    labeling::Tool *m_tool = nullptr;
    std::shared_ptr<const LoadedImage> m_image;
    QString m_status;
    QString m_hint;
    int m_currentClass = 0;
    double m_scale = 1.0;
    QPointF m_offset;
    bool m_fitted = false;
    bool m_spaceHeld = false;
    bool m_backspaceToWindow = false;
    bool m_panning = false;
    QPointF m_panFrom;
    std::optional<QPointF> m_cursor; ///< image coordinates
    double m_opacity = 0.5;
    bool m_showAnnotations = true;
    // The tool's job running on the thread pool.
    std::unique_ptr<QFutureWatcher<labeling::ToolJobResult>> m_job;
    std::shared_ptr<std::atomic_bool> m_jobCancel;
    uint64_t m_jobId = 0;
    labeling::Tool *m_jobTool = nullptr;
    int64_t m_toolItem = 0; ///< the item whose label the tool was last given
    QString m_busy; ///< what the running job does, shown over the image
    /// A tool's proposal and lines tinted for painting, rebuilt only when they change (a 12 MP mask takes a while).
    mutable QImage m_tintedProposal, m_tintedLines;
    /// Painted objects tinted, by pixels and colour, with their box in the image.
    std::unordered_map<std::string, std::pair<QImage, QRectF>> m_paintedObjects;
    mutable qint64 m_proposalKey = 0, m_linesKey = 0;
    mutable int m_proposalTint = -2;
    QImage m_overlay;
    qint64 m_overlayKey = 0;
    double m_overlayOpacity = -1;
};

} // namespace gw::ui
