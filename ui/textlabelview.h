#pragma once

// The text of a text item, with named-entity spans shown as coloured highlights carrying their label.
// Selecting with the mouse snaps to whole words (hold Alt for single characters); the keyboard selects too
// (Shift+arrows, Ctrl+Shift+arrows by word). Plain read-only text, so 100,000-character documents stay fluid.

#include "datasets/types.h"

#include <QPlainTextEdit>

namespace gw::labeling {
class SpanEditor;
}

namespace gw::ui {

class TextLabelView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit TextLabelView(QWidget *parent = nullptr);

    /// Shows the editor's text and spans (the editor must outlive the view's use of it).
    void setSpans(const labeling::SpanEditor *editor, const datasets::Job *job);
    /// Re-reads the spans from the editor (after an edit, undo or a new item).
    void refreshSpans();
    /// The current selection in UTF-16 positions (empty when from == to).
    std::pair<int, int> selection() const;
    /// Selects [from, to) (UTF-16) and makes it visible.
    void selectRange(int from, int to);

Q_SIGNALS:
    void spanClicked(int index);
    void deleteRequested();

protected:
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QColor colorOf(int classId) const;

    const labeling::SpanEditor *m_editor = nullptr;
    const datasets::Job *m_job = nullptr;
    QPoint m_pressPos;
};

} // namespace gw::ui
