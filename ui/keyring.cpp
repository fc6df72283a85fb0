#include "ui/keyring.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusReply>
#include <QDBusVariant>
#include <QMap>

namespace {

/// The Secret Service's secret: (session, parameters, value, content type). "plain" sessions send it as it is over
/// the session bus, which only this user's processes reach.
struct Secret
{
    QDBusObjectPath session;
    QByteArray parameters, value;
    QString contentType;
};

} // namespace

Q_DECLARE_METATYPE(Secret)

namespace {

QDBusArgument &operator<<(QDBusArgument &a, const Secret &s)
{
    a.beginStructure();
    a << s.session << s.parameters << s.value << s.contentType;
    a.endStructure();
    return a;
}

const QDBusArgument &operator>>(const QDBusArgument &a, Secret &s)
{
    a.beginStructure();
    a >> s.session >> s.parameters >> s.value >> s.contentType;
    a.endStructure();
    return a;
}

using Attributes = QMap<QString, QString>;
using Secrets = QMap<QDBusObjectPath, Secret>;

const QString kService = QStringLiteral("org.freedesktop.secrets");
const QString kPath = QStringLiteral("/org/freedesktop/secrets");
const QString kServiceInterface = QStringLiteral("org.freedesktop.Secret.Service");

void registerTypes()
{
    static const bool done = [] {
        qDBusRegisterMetaType<Secret>();
        qDBusRegisterMetaType<Attributes>();
        qDBusRegisterMetaType<Secrets>();
        return true;
    }();
    (void)done;
}

Attributes attributesOf(const QString &address)
{
    return {{QStringLiteral("xdg:schema"), QStringLiteral("org.groundwork.TeamServer")},
            {QStringLiteral("address"), address}};
}

QDBusMessage call(const QString &path, const QString &interface, const QString &method, const QVariantList &args)
{
    QDBusMessage m = QDBusMessage::createMethodCall(kService, path, interface, method);
    m.setArguments(args);
    return QDBusConnection::sessionBus().call(m, QDBus::Block, 5000);
}

/// A "plain" session's path, or empty.
QString openSession()
{
    registerTypes();
    if (!QDBusConnection::sessionBus().isConnected())
        return {};
    QDBusMessage r = call(kPath, kServiceInterface, QStringLiteral("OpenSession"),
                          {QStringLiteral("plain"), QVariant::fromValue(QDBusVariant(QString()))});
    if (r.type() != QDBusMessage::ReplyMessage || r.arguments().size() < 2)
        return {};
    return qvariant_cast<QDBusObjectPath>(r.arguments().at(1)).path();
}

/// The unlocked items for an address.
QList<QDBusObjectPath> itemsFor(const QString &address)
{
    QDBusMessage r = call(kPath, kServiceInterface, QStringLiteral("SearchItems"),
                          {QVariant::fromValue(attributesOf(address))});
    if (r.type() != QDBusMessage::ReplyMessage || r.arguments().isEmpty())
        return {};
    QList<QDBusObjectPath> unlocked;
    qvariant_cast<QDBusArgument>(r.arguments().at(0)) >> unlocked;
    return unlocked;
}

} // namespace

namespace gw::ui::keyring {

bool available()
{
    if (!QDBusConnection::sessionBus().isConnected())
        return false;
    QDBusConnectionInterface *bus = QDBusConnection::sessionBus().interface();
    if (!bus || !bus->isServiceRegistered(kService)) {
        // A keyring started on demand (D-Bus activation) is there too.
        const QStringList activatable = bus ? bus->activatableServiceNames().value() : QStringList();
        if (!activatable.contains(kService))
            return false;
    }
    return !openSession().isEmpty();
}

bool store(const QString &address, const QString &password)
{
    const QString session = openSession();
    if (session.isEmpty())
        return false;
    QDBusMessage alias = call(kPath, kServiceInterface, QStringLiteral("ReadAlias"), {QStringLiteral("default")});
    if (alias.type() != QDBusMessage::ReplyMessage || alias.arguments().isEmpty())
        return false;
    const QString collection = qvariant_cast<QDBusObjectPath>(alias.arguments().at(0)).path();
    if (collection.isEmpty() || collection == QStringLiteral("/"))
        return false;
    QVariantMap properties;
    properties.insert(QStringLiteral("org.freedesktop.Secret.Item.Label"),
                      QStringLiteral("Groundwork team project %1").arg(address));
    properties.insert(QStringLiteral("org.freedesktop.Secret.Item.Attributes"), QVariant::fromValue(attributesOf(address)));
    const Secret secret{QDBusObjectPath(session), {}, password.toUtf8(), QStringLiteral("text/plain")};
    QDBusMessage r = call(collection, QStringLiteral("org.freedesktop.Secret.Collection"), QStringLiteral("CreateItem"),
                          {properties, QVariant::fromValue(secret), true});
    // A locked keyring answers with a prompt ("/" when none is needed): then nothing was stored.
    return r.type() == QDBusMessage::ReplyMessage && r.arguments().size() >= 2
           && qvariant_cast<QDBusObjectPath>(r.arguments().at(0)).path() != QStringLiteral("/");
}

std::optional<QString> lookup(const QString &address)
{
    const QString session = openSession();
    if (session.isEmpty())
        return std::nullopt;
    const QList<QDBusObjectPath> items = itemsFor(address);
    if (items.isEmpty())
        return std::nullopt;
    QDBusMessage r = call(kPath, kServiceInterface, QStringLiteral("GetSecrets"),
                          {QVariant::fromValue(items), QVariant::fromValue(QDBusObjectPath(session))});
    if (r.type() != QDBusMessage::ReplyMessage || r.arguments().isEmpty())
        return std::nullopt;
    Secrets secrets;
    qvariant_cast<QDBusArgument>(r.arguments().at(0)) >> secrets;
    if (secrets.isEmpty())
        return std::nullopt;
    return QString::fromUtf8(secrets.first().value);
}

bool forget(const QString &address)
{
    if (openSession().isEmpty())
        return false;
    bool any = false;
    for (const QDBusObjectPath &item : itemsFor(address)) {
        QDBusMessage r = call(item.path(), QStringLiteral("org.freedesktop.Secret.Item"), QStringLiteral("Delete"), {});
        any = any || r.type() == QDBusMessage::ReplyMessage;
    }
    return any;
}

} // namespace gw::ui::keyring
