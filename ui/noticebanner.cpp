#include "ui/noticebanner.h"

#include <QEvent>
#include <QTimer>

#include <algorithm>

namespace gw::ui {

NoticeBanner::NoticeBanner(QWidget *view) : QLabel(view)
{
    setObjectName(QStringLiteral("notice"));
    setWordWrap(true);
    setAlignment(Qt::AlignCenter);
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setFocusPolicy(Qt::NoFocus);
    setStyleSheet(QStringLiteral("QLabel#notice { background: rgba(120, 40, 30, 225); color: white; "
                                 "border-radius: 6px; padding: 8px 14px; }"));
    m_hide = new QTimer(this);
    m_hide->setSingleShot(true);
    connect(m_hide, &QTimer::timeout, this, &QWidget::hide);
    view->installEventFilter(this);
    hide();
}

void NoticeBanner::showNotice(const QString &text)
{
    setText(text);
    place();
    show();
    raise();
    // About a second per 15 characters, at least 4 s and at most 12 s.
    m_hide->start(std::clamp(int(text.size()) * 1000 / 15, 4000, 12000));
}

bool NoticeBanner::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent() && event->type() == QEvent::Resize && isVisible())
        place();
    return QLabel::eventFilter(watched, event);
}

void NoticeBanner::place()
{
    const QWidget *view = parentWidget();
    const int width = std::min(view->width() - 24, 640);
    setFixedWidth(std::max(width, 120));
    adjustSize();
    move((view->width() - this->width()) / 2, 12);
}

} // namespace gw::ui
