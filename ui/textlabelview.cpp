#include "ui/textlabelview.h"

#include "labeling/tools/spaneditor.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>

namespace gw::ui {

TextLabelView::TextLabelView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.35);
    setFont(f);
    document()->setDocumentMargin(12);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &TextLabelView::refreshSpans);
}

void TextLabelView::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    refreshSpans();
}

void TextLabelView::setSpans(const labeling::SpanEditor *editor, const datasets::Job *job)
{
    m_editor = editor;
    m_job = job;
    if (editor && toPlainText() != editor->text()) {
        setPlainText(editor->text());
        // Labels sit above the text: give every line the height for them.
        QTextCursor all(document());
        all.select(QTextCursor::Document);
        QTextBlockFormat fmt;
        fmt.setLineHeight(170, QTextBlockFormat::ProportionalHeight);
        all.mergeBlockFormat(fmt);
        moveCursor(QTextCursor::Start);
    }
    refreshSpans();
}

QColor TextLabelView::colorOf(int classId) const
{
    if (m_job)
        if (const datasets::LabelClass *c = m_job->classById(classId))
            return QColor(QString::fromStdString(c->color));
    return Qt::yellow;
}

void TextLabelView::refreshSpans()
{
    QList<QTextEdit::ExtraSelection> marks;
    if (m_editor) {
        // Only the spans near the visible text: each extra selection makes Qt lay out its paragraph, and a
        // long document with thousands of spans would stall. Scrolling refreshes them.
        const QRect vp = viewport()->rect();
        const int margin = 4000;
        const int first = std::max(0, cursorForPosition(vp.topLeft()).position() - margin);
        const int last = cursorForPosition(vp.bottomRight()).position() + margin;
        const auto &spans = m_editor->spans();
        for (int i = 0; i < int(spans.size()); ++i) {
            const datasets::Span &s = spans[size_t(i)];
            if (m_editor->utf16At(s.end) < first || m_editor->utf16At(s.start) > last)
                continue;
            QTextEdit::ExtraSelection sel;
            sel.cursor = QTextCursor(document());
            sel.cursor.setPosition(m_editor->utf16At(s.start));
            sel.cursor.setPosition(m_editor->utf16At(s.end), QTextCursor::KeepAnchor);
            QColor c = colorOf(s.classId);
            c.setAlpha(i == m_editor->selected() ? 150 : 80);
            sel.format.setBackground(c);
            if (i == m_editor->selected()) {
                sel.format.setUnderlineStyle(QTextCharFormat::SingleUnderline);
                sel.format.setUnderlineColor(colorOf(s.classId).darker(150));
            }
            marks << sel;
        }
    }
    setExtraSelections(marks);
    viewport()->update();
}

std::pair<int, int> TextLabelView::selection() const
{
    const QTextCursor c = textCursor();
    return {c.selectionStart(), c.selectionEnd()};
}

void TextLabelView::selectRange(int from, int to)
{
    QTextCursor c(document());
    c.setPosition(from);
    c.setPosition(to, QTextCursor::KeepAnchor);
    setTextCursor(c);
    ensureCursorVisible();
}

bool TextLabelView::event(QEvent *event)
{
    // Delete, Backspace and Escape edit spans here; window shortcuts on those keys must not take them. In other
    // jobs Backspace stays the window's (reject a label).
    if (event->type() == QEvent::ShortcutOverride) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        const bool spans = m_job && m_job->type == datasets::TaskType::NamedEntityRecognition;
        if (key == Qt::Key_Delete || (key == Qt::Key_Backspace && spans) || key == Qt::Key_Escape) {
            event->accept();
            return true;
        }
    }
    return QPlainTextEdit::event(event);
}

void TextLabelView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->position().toPoint();
    QPlainTextEdit::mousePressEvent(event);
}

void TextLabelView::mouseReleaseEvent(QMouseEvent *event)
{
    QPlainTextEdit::mouseReleaseEvent(event);
    if (!m_editor || event->button() != Qt::LeftButton)
        return;
    const auto [from, to] = selection();
    const bool dragged = (event->position().toPoint() - m_pressPos).manhattanLength() > 3;
    if (from != to && dragged) {
        // Whole words unless Alt asks for character precision.
        if (!(event->modifiers() & Qt::AltModifier)) {
            const auto [a, b] = m_editor->snapToWords(from, to);
            selectRange(a, b);
        }
        return;
    }
    const int pos = cursorForPosition(event->position().toPoint()).position();
    if (auto span = m_editor->spanAt(pos))
        Q_EMIT spanClicked(*span);
    else
        Q_EMIT spanClicked(-1);
}

void TextLabelView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        Q_EMIT deleteRequested();
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        QTextCursor c = textCursor();
        c.clearSelection();
        setTextCursor(c);
        Q_EMIT spanClicked(-1);
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void TextLabelView::paintEvent(QPaintEvent *event)
{
    QPlainTextEdit::paintEvent(event);
    if (!m_editor || !m_job)
        return;
    // A small tag with the class name above the start of each visible span.
    QPainter p(viewport());
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.62);
    f.setBold(true);
    p.setFont(f);
    const QFontMetrics fm(f);
    const QRect visible = viewport()->rect();
    const int first = cursorForPosition(QPoint(0, 0)).position();
    const int last = cursorForPosition(QPoint(visible.width(), visible.height())).position();
    for (const datasets::Span &s : m_editor->spans()) {
        const int start = m_editor->utf16At(s.start);
        if (start > last || m_editor->utf16At(s.end) < first)
            continue;
        QTextCursor c(document());
        c.setPosition(start);
        const QRect r = cursorRect(c);
        const datasets::LabelClass *cls = m_job->classById(s.classId);
        const QString name = cls ? QString::fromStdString(cls->shortName.empty() ? cls->name : cls->shortName) : QString();
        const QRect tag(r.left(), r.top() - fm.height() + 1, fm.horizontalAdvance(name) + 6, fm.height());
        const QColor col = colorOf(s.classId);
        p.setPen(Qt::NoPen);
        p.setBrush(col);
        p.drawRoundedRect(tag, 3, 3);
        p.setPen(col.lightness() > 150 ? Qt::black : Qt::white);
        p.drawText(tag, Qt::AlignCenter, name);
    }
}

} // namespace gw::ui
