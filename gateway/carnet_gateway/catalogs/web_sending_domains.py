"""Texts of the pages of sending domains (E-5, E-6): DNS records to publish, their check, approval: ``key: (english,
french)``."""
MESSAGES = {
    "sending_domains.title": ("Sending domains", "Domaines d'envoi"),
    "sending_domains.intro": ("Campaigns and e-mails are sent from an address of a domain your organization owns. Add "
                              "the domain, publish the three DNS records shown, check them, and Carnet approves the "
                              "domain: then you can send from it.",
                              "Les campagnes et les courriels partent d'une adresse d'un domaine qui appartient à "
                              "votre organisation. Ajoutez le domaine, publiez les trois enregistrements DNS "
                              "indiqués, vérifiez-les, puis Carnet approuve le domaine : vous pouvez alors envoyer "
                              "depuis celui-ci."),
    "sending_domains.none": ("No sending domain yet.", "Aucun domaine d'envoi pour l'instant."),
    "sending_domains.domain": ("Domain", "Domaine"),
    "sending_domains.domain_hint": ("For example newsletter.example.com (a sub-domain keeps your other e-mail apart).",
                                    "Par exemple infolettre.exemple.ca (un sous-domaine garde vos autres courriels à "
                                    "part)."),
    "sending_domains.state": ("State", "État"),
    "sending_domains.checked_at": ("Last check", "Dernière vérification"),
    "sending_domains.never_checked": ("Never checked", "Jamais vérifié"),
    "sending_domains.not_checked": ("Not checked yet", "Pas encore vérifié"),
    "sending_domains.add": ("Add a domain", "Ajouter un domaine"),
    "sending_domains.add_button": ("Add", "Ajouter"),
    "sending_domains.added": ("{domain} was added: publish its DNS records, then check them.",
                              "{domain} a été ajouté : publiez ses enregistrements DNS, puis vérifiez-les."),
    "sending_domains.deleted": ("{domain} was deleted.", "{domain} a été supprimé."),
    "sending_domains.checked_ok": ("All three records were found.", "Les trois enregistrements ont été trouvés."),
    "sending_domains.checked_not_yet": ("Some records are not right yet; see each result. DNS changes can take a "
                                        "while to appear.",
                                        "Certains enregistrements ne sont pas encore corrects; voyez chaque "
                                        "résultat. Les changements DNS peuvent prendre un moment à paraître."),
    "sending_domains.status.usable": ("Ready to send", "Prêt pour l'envoi"),
    "sending_domains.status.unverified": ("DNS records to publish", "Enregistrements DNS à publier"),
    "sending_domains.status.waiting_approval": ("Waiting for Carnet's approval", "En attente de l'approbation de "
                                                                                 "Carnet"),
    "sending_domains.status.refused": ("Refused by Carnet", "Refusé par Carnet"),
    "sending_domains.explain.usable": ("The records are published and Carnet approved the domain: campaigns can be "
                                       "sent from any address of it.",
                                       "Les enregistrements sont publiés et Carnet a approuvé le domaine : les "
                                       "campagnes peuvent partir de n'importe quelle adresse de celui-ci."),
    "sending_domains.explain.unverified": ("Publish the three records below at your DNS host, then press Check.",
                                           "Publiez les trois enregistrements ci-dessous chez votre hébergeur DNS, "
                                           "puis appuyez sur Vérifier."),
    "sending_domains.explain.waiting_approval": ("The records are published. Carnet checks each new domain before "
                                                 "it is used; you need do nothing more.",
                                                 "Les enregistrements sont publiés. Carnet examine chaque nouveau "
                                                 "domaine avant son utilisation; vous n'avez rien d'autre à faire."),
    "sending_domains.explain.refused": ("Carnet refused this domain; campaigns cannot be sent from it.",
                                        "Carnet a refusé ce domaine; les campagnes ne peuvent pas en partir."),
    "sending_domains.refusal_reason": ("Reason: {reason}", "Raison : {reason}"),
    "sending_domains.ascii_form": ("In the DNS: {domain}", "Dans le DNS : {domain}"),
    "sending_domains.domain_title": ("Domain {domain}", "Domaine {domain}"),
    "sending_domains.back": ("All sending domains", "Tous les domaines d'envoi"),
    "sending_domains.records": ("DNS records to publish", "Enregistrements DNS à publier"),
    "sending_domains.records_intro": ("Create each record at your DNS host with exactly this name, type and value. "
                                      "If the domain already has an SPF record, add the include to it instead of "
                                      "creating a second one.",
                                      "Créez chaque enregistrement chez votre hébergeur DNS avec exactement ce nom, "
                                      "ce type et cette valeur. Si le domaine a déjà un enregistrement SPF, ajoutez-y "
                                      "l'include au lieu d'en créer un deuxième."),
    "sending_domains.record": ("Record", "Enregistrement"),
    "sending_domains.record.spf": ("SPF (who may send)", "SPF (qui peut envoyer)"),
    "sending_domains.record.dkim": ("DKIM (signature key)", "DKIM (clé de signature)"),
    "sending_domains.record.tracking": ("Tracking address", "Adresse de suivi"),
    "sending_domains.name": ("Name", "Nom"),
    "sending_domains.type": ("Type", "Type"),
    "sending_domains.value": ("Value", "Valeur"),
    "sending_domains.result": ("Check", "Vérification"),
    "sending_domains.check_state.ok": ("Found", "Trouvé"),
    "sending_domains.check_state.missing": ("Missing", "Absent"),
    "sending_domains.check_state.wrong": ("Not right", "Incorrect"),
    "sending_domains.check_state.dns_error": ("No answer", "Aucune réponse"),
    "sending_domains.found": ("Found:", "Trouvé :"),
    "sending_domains.checked_when": ("Last checked {when}.", "Dernière vérification : {when}."),
    "sending_domains.check": ("Check", "Vérifier"),
    "sending_domains.delete": ("Delete this domain", "Supprimer ce domaine"),
    "sending_domains.delete_intro": ("Campaigns can no longer be sent from it; its DKIM key is deleted.",
                                     "Les campagnes ne pourront plus en partir; sa clé DKIM est supprimée."),
    "sending_domains.confirm_delete": ("Delete {domain}?", "Supprimer {domain}?"),
}
