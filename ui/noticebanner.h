#pragma once

// A notice shown on top of a view for a few seconds: where the annotator is looking when something they did
// was refused (an overlapping span, a box outside the image), instead of only in the status bar. It takes no
// clicks and no focus, so the next key still reaches the view.

#include <QLabel>

class QTimer;

namespace gw::ui {

class NoticeBanner : public QLabel
{
    Q_OBJECT
public:
    /// Sits at the top of view, centred, and follows its size.
    explicit NoticeBanner(QWidget *view);

    /// Shows text until it times out (longer texts stay longer) or the next notice replaces it.
    void showNotice(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();

    QTimer *m_hide;
};

} // namespace gw::ui
