#pragma once

// File › Connect to a Team Server…: where the team project is and who you are there, as a postgresql:// address.
// The password goes into the address the project is opened with and is kept in this program's memory only.

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace gw::ui {

class TeamServerDialog : public QDialog
{
    Q_OBJECT

public:
    explicit TeamServerDialog(QWidget *parent = nullptr);

    /// The address to open (with the password, when one was typed).
    QString url() const;
    /// The same without the password (what the window shows and remembers).
    QString shownUrl() const;

    QLineEdit *serverEdit() const { return m_server; }
    QLineEdit *projectEdit() const { return m_project; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *passwordEdit() const { return m_password; }
    QSpinBox *portBox() const { return m_port; }
    QComboBox *encryptionBox() const { return m_encryption; }
    QCheckBox *rememberBox() const { return m_remember; }

private:
    QString address(bool withPassword) const;
    void updateButton();

    QLineEdit *m_server, *m_project, *m_name, *m_password;
    QSpinBox *m_port;
    QComboBox *m_encryption;
    QCheckBox *m_remember;
    QLabel *m_note;
    QPushButton *m_connect = nullptr;
};

} // namespace gw::ui
