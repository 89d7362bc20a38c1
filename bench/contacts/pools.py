"""Word pools of the seed: French and English names with accents, titles, cities, streets, companies.

Every pool is ordered most frequent first: the seed draws index ``floor(len * u ** k)`` (``u`` uniform), a
Zipf-like skew (Tremblay ≈ 3 % of the contacts, Montréal ≈ 13 % of the cities).
"""
import re
import unicodedata

FIRST_NAMES = """Marie Jean Pierre Michel Sylvie Nathalie Louise François Julie Luc Isabelle André Stéphane
Martine Daniel Chantal Alain Johanne Sophie Mathieu Guy Josée Éric Catherine Mélanie Geneviève Marc-André
Jean-François Marie-Claude Anne-Marie Hélène Valérie Sébastien Frédéric Émilie Noémie Léa Chloé Zoé Gaëlle
Benoît Jérôme Joël Raphaël Gaétan Réjean Céline Thérèse Ginette Françoise Amélie Élise Maëlle Anaïs Loïc
Olivier William Thomas Félix Samuel Gabriel Alexandre Nicolas Philippe Vincent Maxime Simon David Patrick
Robert James John Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Karen Emily Michael Richard
Joseph Charles Christopher Matthew Anthony Mark Paul Steven Andrew Kevin Brian George Timothy Ronald Jason
Laura Emma Olivia Ava Isabella Mia Charlotte Amelia Harper Evelyn Abigail Ella Scarlett Grace Chloe Victoria
Zoë Renée Noël Josée-Anne Marie-Ève Marie-Hélène Jean-Sébastien Pier-Luc Ève Inès Élodie Héloïse""".split()

LAST_NAMES = """Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger
Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier
Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martin Landry Martel Bédard Grenier Lessard Bernier
Richard Michaud Hébert Desjardins Couture Turcotte Lachance Parent Blais Gosselin Savard Proulx Beaudoin
Demers Perron Boudreau Lemieux Cyr Perreault Dufour Dion Mercier Bolduc Bérubé Boisvert Langlois Ménard
Laflamme Émond Goulet Lebel Lacroix Vézina Séguin Brisson Champagne Dussault Larivière Després Bégin Thériault
Charbonneau Trépanier Gingras Létourneau Chénier Québec-Lévis Smith Johnson Williams Brown Jones Miller Davis
Wilson Anderson Taylor Thomas Moore Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King
Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Murphy
O'Brien MacDonald Fraser Stewart Ross Wong Chen Nguyen Singh Patel Li Kim Müller Øster Dœuvre Ærøe Łukasz
García Núñez Muñoz Peña Ibáñez Fernández""".split()
LAST_NAMES.remove("Québec-Lévis")

TITLES = """Directeur général|Directrice générale|Président|Présidente|Vice-président ventes|Directeur des ventes|
Directrice marketing|Chargé de projet|Chargée de projet|Adjointe administrative|Comptable|Contrôleur financier|
Directeur financier|Représentant|Représentante|Conseiller|Conseillère|Ingénieur|Ingénieure|Analyste|
Technicien|Technicienne|Coordonnatrice|Gestionnaire de comptes|Responsable des achats|Acheteur|Propriétaire|
Associé|Associée|Avocat|Avocate|Notaire|Réceptionniste|Chef d'équipe|Superviseur|CEO|CFO|COO|CTO|
Sales Manager|Account Manager|Marketing Director|Project Manager|Office Manager|Accountant|Engineer|
Business Analyst|Consultant|Owner|Partner|Executive Assistant|Purchasing Manager""".replace("\n", "").split("|")

# (city, province, postal prefix, area codes), most frequent first.
CITIES = [("Montréal", "QC", "H2X", "514"), ("Québec", "QC", "G1R", "418"), ("Laval", "QC", "H7N", "450"),
          ("Gatineau", "QC", "J8Y", "819"), ("Longueuil", "QC", "J4K", "450"), ("Sherbrooke", "QC", "J1H", "819"),
          ("Toronto", "ON", "M5V", "416"), ("Lévis", "QC", "G6V", "418"), ("Trois-Rivières", "QC", "G9A", "819"),
          ("Saguenay", "QC", "G7H", "418"), ("Terrebonne", "QC", "J6W", "450"), ("Ottawa", "ON", "K1P", "613"),
          ("Saint-Jean-sur-Richelieu", "QC", "J3B", "450"), ("Repentigny", "QC", "J6A", "450"),
          ("Brossard", "QC", "J4W", "450"), ("Drummondville", "QC", "J2B", "819"),
          ("Saint-Jérôme", "QC", "J7Z", "450"), ("Granby", "QC", "J2G", "450"), ("Blainville", "QC", "J7C", "450"),
          ("Saint-Hyacinthe", "QC", "J2S", "450"), ("Shawinigan", "QC", "G9N", "819"), ("Dollard-des-Ormeaux",
          "QC", "H9A", "514"), ("Rimouski", "QC", "G5L", "418"), ("Châteauguay", "QC", "J6J", "450"),
          ("Victoriaville", "QC", "G6P", "819"), ("Rouyn-Noranda", "QC", "J9X", "819"), ("Mirabel", "QC", "J7J",
          "450"), ("Joliette", "QC", "J6E", "450"), ("Sorel-Tracy", "QC", "J3P", "450"), ("Vaudreuil-Dorion",
          "QC", "J7V", "450"), ("Val-d'Or", "QC", "J9P", "819"), ("Boucherville", "QC", "J4B", "450"),
          ("Mascouche", "QC", "J7K", "450"), ("Pointe-Claire", "QC", "H9R", "514"), ("Mont-Royal", "QC", "H3R",
          "514"), ("Montréal-Est", "QC", "H1B", "514"), ("Baie-Comeau", "QC", "G4Z", "418"), ("Alma", "QC", "G8B",
          "418"), ("Sept-Îles", "QC", "G4R", "418"), ("Mississauga", "ON", "L5B", "905"), ("Vancouver", "BC",
          "V6B", "604"), ("Calgary", "AB", "T2P", "403"), ("Kingston", "ON", "K7L", "613"), ("Moncton", "NB",
          "E1C", "506"), ("Halifax", "NS", "B3H", "902"), ("Sainte-Thérèse", "QC", "J7E", "450"),
          ("L'Assomption", "QC", "J5W", "450"), ("Magog", "QC", "J1X", "819"), ("Thetford Mines", "QC", "G6G",
          "418"), ("Beloeil", "QC", "J3G", "450")]

STREETS = """rue Saint-Denis|boulevard René-Lévesque Ouest|rue Sherbrooke Est|avenue du Mont-Royal|rue Sainte-Catherine Ouest|
chemin de la Côte-des-Neiges|boulevard Saint-Laurent|rue Notre-Dame|avenue Papineau|rue de la Gauchetière|
Grande Allée Est|boulevard Laurier|rue Principale|rue King Ouest|boulevard des Forges|rue Wellington|
Main Street|Bay Street|Queen Street West|Yonge Street|rue Saint-Joseph Est|chemin Sainte-Foy|
avenue Cartier|boulevard Taschereau|rue Jean-Talon Est|boulevard Décarie|avenue Laurier Ouest|
rue de l'Église|place Ville-Marie|côte du Palais""".replace("\n", "").split("|")

COMPANIES = ["Groupe {}", "{} et associés", "{} inc.", "Construction {}", "{} & Fils", "Cabinet {}",
             "{} Consulting", "Pharmacie {}", "Transport {} ltée", "Boulangerie {}", "Services financiers {}",
             "Clinique {}", "{} Technologies", "Entreprises {}", "Rénovations {}", "Notaires {}",
             "{} Solutions", "Garage {}", "Distribution {}", "Imprimerie {}", "Quincaillerie {}",
             "Studio {}", "{} Holdings", "Ferme {}", "Assurances {}", "Plomberie {}", "Électricité {}",
             "Café {}"]

EMAIL_DOMAINS = ["gmail.com", "videotron.ca", "hotmail.com", "outlook.com", "yahoo.ca", "bell.net",
                 "sympatico.ca", "icloud.com", "live.ca", "cgocable.ca"]

# How phones are typed (C-3): {a} area, {e} exchange, {l} line, {x} extension.
PHONE_LAYOUTS = ["({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "+1 {a} {e} {l}", "1-{a}-{e}-{l}",
                 "{a} {e}-{l} x{x}", "({a}) {e}-{l} poste {x}", "{a}-{e}-{l} ext. {x}", "{a} {e} {l} × {x}",
                 "+1 ({a}) {e}-{l} #{x}"]

SECTORS = ["Construction", "Santé", "Commerce de détail", "Services professionnels", "Manufacturier",
           "Technologies", "Finances et assurances", "Transport", "Restauration", "Éducation", "Immobilier",
           "Agroalimentaire"]


def slug(value):
    """ASCII lower-case letters and digits only (e-mail local parts and domains)."""
    text = unicodedata.normalize("NFKD", value.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]", "", text)
