#include "ui/teamserverdialog.h"

#include "ui/keyring.h"

#include <QCheckBox>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace gw::ui {

TeamServerDialog::TeamServerDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Connect to a Team Server"));
    auto *intro = new QLabel(tr("A team project lives on a PostgreSQL server that everyone labels on at once. Your "
                                "team lead gives you its address, the project's name, your name and a password."));
    intro->setWordWrap(true);
    m_server = new QLineEdit;
    m_server->setPlaceholderText(tr("labels.example.org"));
    m_port = new QSpinBox;
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_project = new QLineEdit;
    m_project->setPlaceholderText(tr("birds"));
    m_name = new QLineEdit;
    m_password = new QLineEdit;
    m_password->setEchoMode(QLineEdit::Password);
    m_encryption = new QComboBox;
    m_encryption->addItem(tr("Required (TLS)"), QStringLiteral("require"));
    m_encryption->addItem(tr("When the server offers it"), QStringLiteral("prefer"));
    m_encryption->addItem(tr("Off (a trusted network only)"), QStringLiteral("disable"));
    // Everything but the password is remembered for next time.
    QSettings s;
    m_server->setText(s.value(QStringLiteral("teamServer/host")).toString());
    m_port->setValue(s.value(QStringLiteral("teamServer/port"), 5432).toInt());
    m_project->setText(s.value(QStringLiteral("teamServer/project")).toString());
    m_name->setText(s.value(QStringLiteral("teamServer/name"), qEnvironmentVariable("USER")).toString());
    m_encryption->setCurrentIndex(std::max(0, m_encryption->findData(s.value(QStringLiteral("teamServer/sslmode"),
                                                                              QStringLiteral("require")))));

    // The desktop keyring, when one answers, keeps the password; otherwise it is kept only while Groundwork runs.
    m_remember = new QCheckBox(tr("&Keep the password in the desktop keyring"));
    m_note = new QLabel;
    m_note->setWordWrap(true);
    m_note->setEnabled(false);
    if (keyring::available()) {
        m_remember->setChecked(s.value(QStringLiteral("teamServer/keyring"), true).toBool());
        m_note->setText(tr("Without it, the password is kept only while Groundwork runs."));
        if (auto kept = keyring::lookup(shownUrl()))
            m_password->setText(*kept);
    } else {
        m_remember->setEnabled(false);
        m_note->setText(tr("No desktop keyring answers here: the password is kept only while Groundwork runs."));
    }
    auto *note = m_note;

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_server);
    form->addRow(tr("P&ort:"), m_port);
    form->addRow(tr("&Project:"), m_project);
    form->addRow(tr("Your &name:"), m_name);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("&Encryption:"), m_encryption);
    form->addRow(QString(), m_remember);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_connect = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings s;
        s.setValue(QStringLiteral("teamServer/host"), m_server->text().trimmed());
        s.setValue(QStringLiteral("teamServer/port"), m_port->value());
        s.setValue(QStringLiteral("teamServer/project"), m_project->text().trimmed());
        s.setValue(QStringLiteral("teamServer/name"), m_name->text().trimmed());
        s.setValue(QStringLiteral("teamServer/sslmode"), m_encryption->currentData());
        if (m_remember->isEnabled()) {
            s.setValue(QStringLiteral("teamServer/keyring"), m_remember->isChecked());
            if (m_remember->isChecked() && !m_password->text().isEmpty())
                keyring::store(shownUrl(), m_password->text());
            else if (!m_remember->isChecked())
                keyring::forget(shownUrl());
        }
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *e : {m_server, m_project, m_name})
        connect(e, &QLineEdit::textChanged, this, &TeamServerDialog::updateButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    updateButton();
    (m_server->text().isEmpty() ? m_server : m_password)->setFocus();
    resize(480, sizeHint().height());
}

void TeamServerDialog::updateButton()
{
    m_connect->setEnabled(!m_server->text().trimmed().isEmpty() && !m_project->text().trimmed().isEmpty()
                          && !m_name->text().trimmed().isEmpty());
}

QString TeamServerDialog::address(bool withPassword) const
{
    QString user = QString::fromUtf8(QUrl::toPercentEncoding(m_name->text().trimmed()));
    if (withPassword && !m_password->text().isEmpty())
        user += QLatin1Char(':') + QString::fromUtf8(QUrl::toPercentEncoding(m_password->text()));
    QString host = m_server->text().trimmed();
    if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('['))) // an IPv6 address
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("postgresql://%1@%2:%3/%4?sslmode=%5")
        .arg(user, host)
        .arg(m_port->value())
        .arg(QString::fromUtf8(QUrl::toPercentEncoding(m_project->text().trimmed())),
             m_encryption->currentData().toString());
}

QString TeamServerDialog::url() const
{
    return address(true);
}

QString TeamServerDialog::shownUrl() const
{
    return address(false);
}

} // namespace gw::ui
